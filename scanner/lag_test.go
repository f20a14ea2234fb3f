package scanner

import (
	"context"
	"testing"
	"time"
)

func TestLagMonitor(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	type wake struct{ prev, now int }
	for _, c := range []struct {
		name       string
		wakes      []wake
		start, now int
		want       bool
	}{
		{"on time", []wake{{0, 50}, {50, 100}, {100, 150}}, 60, 160, false},
		{"jitter under the bar", []wake{{0, 50}, {50, 340}}, 60, 350, false},
		{"a stall ending after the probe began", []wake{{0, 50}, {50, 2050}}, 1000, 2060, true},
		{"a stall that ended before the probe began", []wake{{0, 50}, {50, 2050}, {2050, 2100}}, 2060, 2110, false},
		{"a stall still going on", []wake{{0, 50}}, 60, 1500, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := newLagMonitor(50*time.Millisecond, 250*time.Millisecond, at(0))
			for _, w := range c.wakes {
				m.observe(at(w.prev), at(w.now))
			}
			if got := m.starvedSince(at(c.start), at(c.now)); got != c.want {
				t.Errorf("starvedSince = %v, want %v", got, c.want)
			}
		})
	}
}

func TestLagThreshold(t *testing.T) {
	for timeout, want := range map[time.Duration]time.Duration{
		20 * time.Millisecond: 250 * time.Millisecond,
		time.Second:           500 * time.Millisecond,
		3 * time.Second:       1500 * time.Millisecond,
	} {
		if got := lagThreshold(timeout); got != want {
			t.Errorf("lagThreshold(%v) = %v, want %v", timeout, got, want)
		}
	}
}

// TestLagMonitorStops: the monitor's goroutine ends with its context, so a
// sweep leaves nothing running.
func TestLagMonitorStops(t *testing.T) {
	m := newLagMonitor(time.Millisecond, time.Hour, time.Now())
	ctx, cancel := context.WithCancel(context.Background())
	wait := m.run(ctx)
	cancel()
	wait()
}
