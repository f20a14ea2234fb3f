package scanner

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// minRTTSamples is how many answered connects the estimator needs before
// its timeout replaces the configured one. One live host yields about ten at
// once (every probed port answers SYN-ACK or RST), so a few suffice and a
// sweep that has not met any answering host yet keeps the safe Timeout.
const minRTTSamples = 4

// rttStats is a smoothed round-trip estimate after RFC 6298 §2: the first
// sample sets SRTT = R and RTTVAR = R/2, later ones blend in with gains 1/8
// and 1/4. It is a value type so that updates are pure and table-testable.
type rttStats struct {
	srtt, rttvar time.Duration
	n            int
}

// add returns the estimate updated with one measured round trip.
func (s rttStats) add(r time.Duration) rttStats {
	r = max(r, 0)
	if s.n == 0 {
		return rttStats{srtt: r, rttvar: r / 2, n: 1}
	}
	dev := s.srtt - r
	if dev < 0 {
		dev = -dev
	}
	s.rttvar = s.rttvar - s.rttvar/4 + dev/4
	s.srtt = s.srtt - s.srtt/8 + r/8
	s.n++
	return s
}

// timeout is SRTT + 4·RTTVAR clamped to [floor, ceiling], or ceiling while
// fewer than minRTTSamples round trips were measured. ceiling wins over a
// larger floor, so a configured Timeout is never exceeded.
func (s rttStats) timeout(floor, ceiling time.Duration) time.Duration {
	if s.n < minRTTSamples {
		return ceiling
	}
	return min(max(s.srtt+4*s.rttvar, floor), ceiling)
}

// rttTracker shares one estimate across the sweep's workers. All hosts of a
// sweep feed one estimate: discovery targets one site at a time, and a live
// host's own answers make its timed-out probes retry with the full Timeout,
// so a host slower than the rest is not lost to an estimate made on faster
// ones.
type rttTracker struct {
	floor, ceiling time.Duration
	mu             sync.Mutex
	stats          rttStats
	// cur caches stats.timeout so that the per-probe reads take no lock.
	cur atomic.Int64
}

func newRTTTracker(floor, ceiling time.Duration) *rttTracker {
	t := &rttTracker{floor: floor, ceiling: ceiling}
	t.cur.Store(int64(ceiling))
	return t
}

// observe feeds one answered connect's round trip.
func (t *rttTracker) observe(r time.Duration) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.stats = t.stats.add(r)
	t.cur.Store(int64(t.stats.timeout(t.floor, t.ceiling)))
	t.mu.Unlock()
}

// timeout is the current adaptive timeout of a first attempt.
func (t *rttTracker) timeout() time.Duration { return time.Duration(t.cur.Load()) }

// next is how long an attempt with remaining time left waits before it
// looks at the estimate again: until the estimate adapts, every floor, so
// that probes sent before the first answers shrink once those arrive
// instead of waiting the whole Timeout.
func (t *rttTracker) next(remaining time.Duration) time.Duration {
	if t.timeout() >= t.ceiling {
		return min(t.floor, remaining)
	}
	return remaining
}

// attempt is one probe attempt's context. Its deadline is the configured
// Timeout (or the host deadline); when the sweep adapts, a watcher cancels
// it earlier, once it has outlived the adaptive timeout.
type attempt struct {
	ctx    context.Context
	cancel context.CancelFunc
	start  time.Time

	mu    sync.Mutex
	timer *time.Timer
	ended bool
	short bool // cut by the adaptive timeout, not the configured one
}

// startAttempt begins an attempt of j. First attempts adapt; retries wait
// the full Timeout so that a slow but live host still gets its answer in.
func (s *sweep) startAttempt(ctx context.Context, j job) *attempt {
	a := &attempt{start: time.Now()}
	d := a.start.Add(s.cfg.Timeout)
	if j.deadline.Before(d) {
		d = j.deadline
	}
	a.ctx, a.cancel = context.WithDeadline(ctx, d)
	if s.rtt != nil && j.p.attempt == 0 {
		a.mu.Lock()
		a.timer = time.AfterFunc(s.rtt.next(s.rtt.timeout()), func() { a.check(s.rtt) })
		a.mu.Unlock()
	}
	return a
}

func (a *attempt) check(rtt *rttTracker) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ended {
		return
	}
	limit, el := rtt.timeout(), time.Since(a.start)
	switch {
	case el < limit:
		a.timer.Reset(rtt.next(limit - el))
	case limit < rtt.ceiling:
		a.short = true
		a.cancel()
	}
	// Otherwise the context's own deadline (the full Timeout) ends it.
}

// end releases the attempt and reports whether the adaptive timeout cut it.
func (a *attempt) end() bool {
	a.mu.Lock()
	a.ended = true
	if a.timer != nil {
		a.timer.Stop()
	}
	short := a.short
	a.mu.Unlock()
	a.cancel()
	return short
}
