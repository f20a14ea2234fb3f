package labtest

import (
	"net"
	"strconv"
	"testing"

	"github.com/mfpscan/mfpscan/lab"
)

// TestStartRunsTheProfilesItIsGiven: the fleet holds the profiles asked
// for, on addresses of the subnet Start reports and ports shifted by its
// offset, and answers there.
func TestStartRunsTheProfilesItIsGiven(t *testing.T) {
	fleet, cfg := Start(t, lab.ProfileWeb, lab.ProfileWeb)
	if !cfg.Subnet.Addr().IsLoopback() || cfg.PortOffset < 10000 {
		t.Fatalf("config %+v: want a loopback subnet and an offset of 10000 or more", cfg)
	}
	devs := fleet.Devices()
	if len(devs) != 2 {
		t.Fatalf("%d devices, want 2", len(devs))
	}
	for _, d := range devs {
		if d.Profile != lab.ProfileWeb || !cfg.Subnet.Contains(d.Addr) || len(d.TCPPorts) == 0 {
			t.Fatalf("device %+v: want profile %s in %s with TCP ports", d, lab.ProfileWeb, cfg.Subnet)
		}
		if d.TCPPorts[0] < cfg.PortOffset {
			t.Errorf("device %s: port %d below the offset %d", d.Name, d.TCPPorts[0], cfg.PortOffset)
		}
		c, err := net.Dial("tcp", net.JoinHostPort(d.Addr.String(), strconv.Itoa(d.TCPPorts[0])))
		if err != nil {
			t.Fatalf("device %s does not answer: %v", d.Name, err)
		}
		_ = c.Close()
	}
}
