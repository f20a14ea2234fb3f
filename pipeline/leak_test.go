package pipeline

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/lab/labtest"
	"github.com/mfpscan/mfpscan/scanner"
)

func openFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatalf("count descriptors: %v", err)
	}
	return len(entries)
}

// settle polls until the goroutine and descriptor counts drop back to at
// most the baseline, since closed connections and finished workers take a
// moment to unwind.
func settle(t *testing.T, goroutines, fds int) (int, int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		g, f := runtime.NumGoroutine(), openFDs(t)
		if (g <= goroutines && f <= fds) || time.Now().After(deadline) {
			return g, f
		}
		time.Sleep(50 * time.Millisecond) // polling a count, not waiting for a server
	}
}

// TestNoLeaksAfterLargeSweep sweeps 4,096 loopback addresses (a lab /24
// inside a /20) with collection, and checks descriptors and goroutines
// return to their baseline.
func TestNoLeaksAfterLargeSweep(t *testing.T) {
	if testing.Short() {
		t.Skip("sweeps 4,096 addresses")
	}
	fleet, lc := labtest.Start(t)
	// The /20 around the lab's /24: 4,096 addresses, 5 of them live.
	wide := netip.PrefixFrom(lc.Subnet.Addr(), 20).Masked()
	cfg := labScanConfig(t, lc, t.TempDir())
	cfg.Targets = []string{wide.String()}
	cfg.Rate = 20000
	cfg.Concurrency = 512

	runtime.GC()
	baseG, baseFD := runtime.NumGoroutine(), openFDs(t)
	targets, err := scanner.ParseTargets(cfg.Targets, nil, scanner.TargetOptions{MaxHosts: 1 << 16})
	if err != nil {
		t.Fatal(err)
	}
	if targets.Count() != 4096 {
		t.Fatalf("target count = %d, want 4096", targets.Count())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	docs, err := sweepAndCollect(ctx, cfg, targets, nil, nil)
	if err != nil {
		t.Fatalf("sweep: %v", err)
	}
	if len(docs) != len(fleet.Devices()) {
		t.Errorf("found %d devices in the /20, want the %d lab devices", len(docs), len(fleet.Devices()))
	}
	g, fds := settle(t, baseG, baseFD)
	t.Logf("goroutines %d → %d, descriptors %d → %d", baseG, g, baseFD, fds)
	if g > baseG || fds > baseFD {
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		t.Fatalf("leak after sweep: goroutines %d → %d, descriptors %d → %d\n%s", baseG, g, baseFD, fds, fmt.Sprint(string(buf[:n])))
	}
}
