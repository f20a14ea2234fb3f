package lab

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// testConfig picks a subnet in 127.78.0.0/16 and a port offset at random so
// parallel test runs, root and non-root alike, do not collide.
func testConfig(profiles ...string) Config {
	return Config{
		Subnet:     netip.PrefixFrom(netip.AddrFrom4([4]byte{127, 78, byte(1 + rand.IntN(254)), 0}), 24),
		PortOffset: 20000 + rand.IntN(30000),
		Profiles:   profiles,
	}
}

// startFleet starts a fleet on random addresses, retrying when another run
// holds the chosen ports, and closes it when the test ends.
func startFleet(t *testing.T, profiles ...string) (*Fleet, Config) {
	t.Helper()
	var lastErr error
	for range 5 {
		cfg := testConfig(profiles...)
		f, err := Start(t.Context(), cfg)
		if err == nil {
			t.Cleanup(func() {
				if err := f.Close(); err != nil {
					t.Errorf("close fleet: %v", err)
				}
			})
			return f, cfg
		}
		lastErr = err
		if !errors.Is(err, syscall.EADDRINUSE) {
			break
		}
	}
	t.Fatalf("start fleet: %v", lastErr)
	return nil, Config{}
}

func device(t *testing.T, f *Fleet, profile string) Device {
	t.Helper()
	for _, d := range f.Devices() {
		if d.Profile == profile {
			return d
		}
	}
	t.Fatalf("no device with profile %s in %v", profile, f.Devices())
	return Device{}
}

// hostPort is the address of the device's service at its real port.
func hostPort(d Device, cfg Config, port int) string {
	return net.JoinHostPort(d.Addr.String(), fmt.Sprint(port+cfg.PortOffset))
}

func TestStartDefaultFleet(t *testing.T) {
	begin := time.Now()
	f, cfg := startFleet(t)
	took := time.Since(begin)
	t.Logf("default fleet started in %v", took)
	if took > 10*time.Second {
		t.Errorf("Start took %v; it should take well under 2 s", took)
	}

	devs := f.Devices()
	if got, want := len(devs), len(ProfileNames()); got != want {
		t.Fatalf("got %d devices, want %d", got, want)
	}
	base := cfg.Subnet.Addr().As4()
	for i, d := range devs {
		if d.Profile != ProfileNames()[i] || d.Name != d.Profile {
			t.Errorf("device %d: name %q profile %q, want %q", i, d.Name, d.Profile, ProfileNames()[i])
		}
		want := netip.AddrFrom4([4]byte{base[0], base[1], base[2], byte(10 + i)})
		if d.Addr != want {
			t.Errorf("%s: addr %s, want %s", d.Name, d.Addr, want)
		}
		if len(d.TCPPorts) == 0 || !slices.IsSorted(d.TCPPorts) || len(d.Roles) != len(d.TCPPorts) {
			t.Errorf("%s: ports %v roles %v", d.Name, d.TCPPorts, d.Roles)
		}
		for _, p := range d.TCPPorts {
			c, err := net.DialTimeout("tcp", net.JoinHostPort(d.Addr.String(), fmt.Sprint(p)), 2*time.Second)
			if err != nil {
				t.Errorf("%s: port %d not accepting: %v", d.Name, p, err)
				continue
			}
			_ = c.Close()
		}
	}

	factory := device(t, f, ProfileFactory)
	wantPorts := []int{21, 80, 443, 515, 631, 8000, 8443, 9100}
	for i := range wantPorts {
		wantPorts[i] += cfg.PortOffset
	}
	if !slices.Equal(factory.TCPPorts, wantPorts) {
		t.Errorf("factory ports %v, want %v", factory.TCPPorts, wantPorts)
	}
	if factory.SNMPPort != 161+cfg.PortOffset || factory.Roles[443+cfg.PortOffset] != "https" || factory.Firmware != "47.07" {
		t.Errorf("factory device %+v", factory)
	}
	if web := device(t, f, ProfileWeb); web.SNMPPort != 0 || web.Vendor != "" {
		t.Errorf("web server should have no SNMP and no vendor: %+v", web)
	}
	hard := device(t, f, ProfileHardened)
	for _, p := range []int{21, 515, 9100} {
		if _, ok := hard.Roles[p+cfg.PortOffset]; ok {
			t.Errorf("hardened profile serves port %d", p)
		}
	}
	if !strings.Contains(string(f.CACertPEM()), "BEGIN CERTIFICATE") {
		t.Errorf("CACertPEM = %q", f.CACertPEM())
	}
}

func TestCloseFreesEverything(t *testing.T) {
	cfg := testConfig(ProfileWeb, ProfileMF)
	var f *Fleet
	var err error
	for range 5 {
		if f, err = Start(t.Context(), cfg); !errors.Is(err, syscall.EADDRINUSE) {
			break
		}
		cfg = testConfig(ProfileWeb, ProfileMF)
	}
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	// An open idle connection must not keep Close waiting.
	d := f.Devices()[1]
	conn, err := net.Dial("tcp", hostPort(d, cfg, 9100))
	if err != nil {
		t.Fatalf("dial raw: %v", err)
	}
	defer conn.Close()
	done := make(chan error, 1)
	go func() { done <- f.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return within 5 s")
	}
	if err := f.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	if _, err := net.DialTimeout("tcp", hostPort(d, cfg, 80), time.Second); err == nil {
		t.Error("port 80 still accepts after Close")
	}
	again, err := Start(t.Context(), cfg)
	if err != nil {
		t.Fatalf("restart on the same addresses: %v", err)
	}
	if err := again.Close(); err != nil {
		t.Errorf("close restarted fleet: %v", err)
	}
}

func TestContextCancelStopsFleet(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cfg := testConfig(ProfileWeb)
	f, err := Start(ctx, cfg)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	cancel()
	addr := hostPort(f.Devices()[0], cfg, 80)
	// Poll: the AfterFunc closes the fleet asynchronously.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break
		}
		_ = c.Close()
		if time.Now().After(deadline) {
			t.Fatal("fleet still serving 5 s after its context was cancelled")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := f.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
}

func TestStartBindFailureCleansUp(t *testing.T) {
	cfg := testConfig(ProfileWeb, ProfileMF)
	// Occupy the second device's port 443 so Start fails after the first
	// device is already bound.
	second := netip.AddrFrom4([4]byte{127, 78, cfg.Subnet.Addr().As4()[2], 11})
	blocker, err := net.Listen("tcp", net.JoinHostPort(second.String(), fmt.Sprint(443+cfg.PortOffset)))
	if err != nil {
		t.Skipf("cannot set up blocker: %v", err)
	}
	f, err := Start(t.Context(), cfg)
	if err == nil {
		_ = f.Close()
		t.Fatal("Start succeeded although a port was taken")
	}
	if !errors.Is(err, syscall.EADDRINUSE) || !strings.Contains(err.Error(), "bind tcp "+second.String()) {
		t.Errorf("error %q should name the address and wrap EADDRINUSE", err)
	}
	_ = blocker.Close()
	f, err = Start(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Start after a failed Start: %v (listeners leaked?)", err)
	}
	if err := f.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
}

func TestConfigValidation(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"private subnet", Config{Subnet: netip.MustParsePrefix("10.0.0.0/24")}, "loopback"},
		{"wide subnet", Config{Subnet: netip.MustParsePrefix("64.0.0.0/2")}, "loopback"},
		{"ipv6", Config{Subnet: netip.MustParsePrefix("::1/128")}, "loopback"},
		{"unknown profile", Config{Profiles: []string{"xerox"}, PortOffset: 30000}, "unknown"},
		{"empty profiles", Config{Profiles: []string{}}, "no profile"},
		{"negative offset", Config{PortOffset: -1}, "port offset"},
		{"offset too big", Config{PortOffset: 60000}, "port offset"},
		{"subnet too small", Config{Subnet: netip.MustParsePrefix("127.78.0.8/29"), Profiles: []string{ProfileWeb, ProfileWeb}}, "too small"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Start(t.Context(), tt.cfg)
			if err == nil {
				_ = f.Close()
				t.Fatal("Start succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestRepeatedProfilesGetUniqueNames(t *testing.T) {
	f, _ := startFleet(t, ProfileWeb, ProfileWeb)
	devs := f.Devices()
	if devs[0].Name != "web-server" || devs[1].Name != "web-server-2" || devs[0].Addr == devs[1].Addr {
		t.Errorf("devices %+v", devs)
	}
}
