package facts

import (
	"net/netip"
	"testing"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		addr string
		want IPClass
	}{
		{"10.0.0.5", IPClassPrivate},
		{"172.16.0.1", IPClassPrivate},
		{"172.31.255.254", IPClassPrivate},
		{"172.32.0.1", IPClassPublic},
		{"192.168.1.20", IPClassPrivate},
		{"8.8.8.8", IPClassPublic},
		{"127.0.0.1", IPClassLoopback},
		{"127.77.0.10", IPClassLoopback},
		{"169.254.10.1", IPClassLinkLocal},
		{"100.64.0.1", IPClassCGNAT},
		{"100.127.255.255", IPClassCGNAT},
		{"100.128.0.1", IPClassPublic},
		{"192.0.2.7", IPClassDocumentation},
		{"198.51.100.1", IPClassDocumentation},
		{"203.0.113.9", IPClassDocumentation},
		{"224.0.0.251", IPClassMulticast},
		{"0.0.0.0", IPClassUnspecified},
		{"240.0.0.1", IPClassReserved},
		{"255.255.255.255", IPClassReserved},
		{"198.18.0.1", IPClassReserved},
		{"::1", IPClassLoopback},
		{"::", IPClassUnspecified},
		{"fe80::1", IPClassLinkLocal},
		{"fd12:3456::1", IPClassULA},
		{"2001:db8::1", IPClassDocumentation},
		{"2a00:1450:4001::1", IPClassGlobalIPv6},
		{"ff02::1", IPClassMulticast},
		{"::ffff:192.168.1.1", IPClassPrivate},
		{"::ffff:8.8.4.4", IPClassPublic},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if got := Classify(netip.MustParseAddr(tt.addr)); got != tt.want {
				t.Errorf("Classify(%s) = %s, want %s", tt.addr, got, tt.want)
			}
		})
	}
}

func TestIsGlobal(t *testing.T) {
	for class, want := range map[IPClass]bool{
		IPClassPublic: true, IPClassGlobalIPv6: true,
		IPClassPrivate: false, IPClassLoopback: false, IPClassCGNAT: false, IPClassULA: false,
	} {
		if got := class.IsGlobal(); got != want {
			t.Errorf("%s.IsGlobal() = %v, want %v", class, got, want)
		}
	}
}
