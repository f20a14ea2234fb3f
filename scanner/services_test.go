package scanner

import (
	"slices"
	"testing"

	"github.com/mfpscan/mfpscan/internal/porttable"
)

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
	if got := DefaultUDPProbes("x")[0].Communities; !slices.Equal(got, []string{"public", "x"}) {
		t.Errorf("SNMP communities %v, want public then the extra one", got)
	}
}
