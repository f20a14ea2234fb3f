package scanner

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// ErrScannerStarved is set on a HostResult when a port of a live host kept
// timing out while the scanner itself was starved of CPU (an overloaded or
// throttled machine): a connect that completed at once may have been seen
// only after its deadline, so the silence proves nothing and the port list
// is not complete.
var ErrScannerStarved = errors.New("scanner starved of CPU while its probes timed out, so the port list may miss open ports: rescan on a less loaded machine or with a lower --concurrency and --rate")

// maxStarvedRetries is how many more times a final timeout met during a
// starved stretch is tried before the host is marked ErrScannerStarved.
const maxStarvedRetries = 3

// lagTick is how often the monitor wakes; it costs nothing measurable.
const lagTick = 50 * time.Millisecond

// starvation tells whether the process may have been starved of CPU since
// a given time. The sweep asks it before calling a timed-out port final.
type starvation interface {
	starvedSince(start, now time.Time) bool
}

// lagMonitor notices when the process itself falls behind: a goroutine
// that should wake every tick and woke much later was waiting for a CPU, and
// so were the probes' goroutines. Under such starvation a probe's deadline
// can fire before its goroutine sees the connect that completed long ago:
// a false "filtered", which the rules would read as a closed port.
type lagMonitor struct {
	tick, threshold time.Duration
	lastTick        atomic.Int64 // unix nanoseconds of the monitor's latest wake
	lastLate        atomic.Int64 // unix nanoseconds of the latest late wake; 0 when none
}

// newLagMonitor returns a monitor that counts a wake late when it comes
// more than threshold after its tick was due. now is its start.
func newLagMonitor(tick, threshold time.Duration, now time.Time) *lagMonitor {
	m := &lagMonitor{tick: tick, threshold: threshold}
	m.lastTick.Store(now.UnixNano())
	return m
}

// lagThreshold is how late a wake must be to count: a false timeout needs
// the probe's goroutine kept from a CPU for most of its timeout, so half of
// it (at least 250ms, well above ordinary scheduling jitter) is the bar.
func lagThreshold(timeout time.Duration) time.Duration {
	return max(timeout/2, 250*time.Millisecond)
}

// observe records one wake at now after the previous one at prev.
func (m *lagMonitor) observe(prev, now time.Time) {
	if now.Sub(prev) > m.tick+m.threshold {
		m.lastLate.Store(now.UnixNano())
	}
	m.lastTick.Store(now.UnixNano())
}

// starvedSince reports whether the process may have been starved at some
// time after start: a late wake came since (it is recorded when the stall
// ends), or the monitor itself is overdue at now, which is a stall still
// going on that it has not been able to record.
func (m *lagMonitor) starvedSince(start, now time.Time) bool {
	if m.lastLate.Load() >= start.UnixNano() {
		return true
	}
	return now.Sub(time.Unix(0, m.lastTick.Load())) > m.tick+m.threshold
}

// run wakes every tick until ctx ends; the returned function waits for it
// to stop.
func (m *lagMonitor) run(ctx context.Context) (wait func()) {
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(m.tick)
		defer t.Stop()
		prev := time.Unix(0, m.lastTick.Load())
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				// The ticker's own time is when the tick was due; the
				// clock now is when this goroutine got a CPU.
				now := time.Now()
				m.observe(prev, now)
				prev = now
			}
		}
	})
	return wg.Wait
}
