package scanner

import (
	"slices"
	"testing"

	"github.com/mfpscan/mfpscan/internal/porttable"
)

func TestServiceName(t *testing.T) {
	tests := []struct {
		proto string
		port  int
		want  string
	}{
		{"tcp", 9100, "jetdirect"},
		{"tcp", 515, "printer"},
		{"tcp", 631, "ipp"},
		{"tcp", 8000, "http-alt"},
		{"tcp", 47546, "canon-mgmt"},
		{"udp", 161, "snmp"},
		{"udp", 8611, "canon-bjnp1"},
		{"udp", 3702, "ws-discovery"},
		{"udp", 47545, "canon-mgmt"},
		{"tcp", 161, ""},
		{"udp", 9100, ""},
		{"sctp", 80, ""},
	}
	for _, tt := range tests {
		if got := ServiceName(tt.proto, tt.port); got != tt.want {
			t.Errorf("ServiceName(%s, %d) = %q, want %q", tt.proto, tt.port, got, tt.want)
		}
	}
}

func TestDefaultTCPPorts(t *testing.T) {
	ports := DefaultTCPPorts()
	if !slices.IsSorted(ports) {
		t.Errorf("DefaultTCPPorts() = %v, not sorted", ports)
	}
	for _, p := range []int{21, 23, 80, 443, 515, 631, 8000, 8443, 9100, 9007, 47546} {
		if !slices.Contains(ports, p) {
			t.Errorf("DefaultTCPPorts() lacks %d", p)
		}
	}
	for _, p := range ports {
		if ServiceName("tcp", p) == "" {
			t.Errorf("default port %d has no service name", p)
		}
	}
	ports[0] = 1
	if DefaultTCPPorts()[0] == 1 {
		t.Error("DefaultTCPPorts() shares its backing array")
	}
}

// TestDefaultSweepFromTable: the engine's default sweep is the port table's,
// TCP and UDP, so benchmarks built on DefaultSweepConfig sweep what the CLI
// sweeps.
func TestDefaultSweepFromTable(t *testing.T) {
	cfg := DefaultSweepConfig()
	if !slices.Equal(cfg.TCPPorts, porttable.DefaultTCP()) {
		t.Errorf("TCP ports %v, table %v", cfg.TCPPorts, porttable.DefaultTCP())
	}
	udp := porttable.DefaultUDP()
	if len(cfg.UDPProbes) != len(udp) {
		t.Fatalf("UDP probes %+v, table %+v", cfg.UDPProbes, udp)
	}
	for i, e := range udp {
		p := cfg.UDPProbes[i]
		if p.Port != e.Port || p.Service != e.Probe || p.portService() != e.Service {
			t.Errorf("UDP probe %+v (records %q), table %+v", p, p.portService(), e)
		}
	}
	i := slices.IndexFunc(DefaultUDPProbes("x"), func(p UDPProbe) bool { return p.Service == udpSNMP })
	if i < 0 {
		t.Fatal("no SNMP probe in the default sweep")
	}
	if got := DefaultUDPProbes("x")[i].Communities; !slices.Equal(got, []string{"public", "x"}) {
		t.Errorf("SNMP communities %v, want public then the extra one", got)
	}
}
