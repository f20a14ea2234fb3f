package pipeline

import (
	"testing"

	"github.com/mfpscan/mfpscan/scanner"
)

// TestScanSweepsDefaultUDP: the scan's UDP probes are the engine's default
// ones, moved by the lab's port offset.
func TestScanSweepsDefaultUDP(t *testing.T) {
	want := scanner.DefaultSweepConfig().UDPProbes
	for _, offset := range []int{0, 10000} {
		got := sweepConfig(Config{PortOffset: offset}, &progress{}).UDPProbes
		if len(got) != len(want) {
			t.Fatalf("offset %d: UDP probes %+v, want %+v", offset, got, want)
		}
		for i := range want {
			if got[i].Port != want[i].Port+offset || got[i].Service != want[i].Service {
				t.Errorf("offset %d: probe %d is %+v, want %+v moved by the offset", offset, i, got[i], want[i])
			}
		}
	}
}
