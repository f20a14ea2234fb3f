package scanner

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/facts"
)

const ms = time.Millisecond

func TestRTTStatsAdd(t *testing.T) {
	for _, tc := range []struct {
		name    string
		samples []time.Duration
		want    rttStats
	}{
		{"none", nil, rttStats{}},
		{"first sample sets srtt and half of it as variance", []time.Duration{8 * ms}, rttStats{srtt: 8 * ms, rttvar: 4 * ms, n: 1}},
		// srtt = 7/8·8 + 1/8·16 = 9; rttvar = 3/4·4 + 1/4·|8-16| = 5.
		{"second sample blends in", []time.Duration{8 * ms, 16 * ms}, rttStats{srtt: 9 * ms, rttvar: 5 * ms, n: 2}},
		// srtt = 8 stays; rttvar = 3/4·4 + 0 = 3.
		{"steady samples shrink the variance", []time.Duration{8 * ms, 8 * ms}, rttStats{srtt: 8 * ms, rttvar: 3 * ms, n: 2}},
		{"negative sample counts as zero", []time.Duration{-5 * ms}, rttStats{n: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s rttStats
			for _, r := range tc.samples {
				s = s.add(r)
			}
			if s != tc.want {
				t.Errorf("after %v: %+v, want %+v", tc.samples, s, tc.want)
			}
		})
	}
}

func TestRTTStatsTimeout(t *testing.T) {
	steady := func(r time.Duration, n int) rttStats {
		var s rttStats
		for range n {
			s = s.add(r)
		}
		return s
	}
	for _, tc := range []struct {
		name           string
		s              rttStats
		floor, ceiling time.Duration
		want           time.Duration
	}{
		{"no samples: configured timeout", rttStats{}, 100 * ms, time.Second, time.Second},
		{"too few samples: configured timeout", steady(ms, minRTTSamples-1), 100 * ms, time.Second, time.Second},
		{"loopback round trips: the floor", steady(50*time.Microsecond, 20), 250 * ms, time.Second, 250 * ms},
		// srtt 100, rttvar 40: 100 + 160.
		{"between floor and ceiling: srtt + 4·rttvar", rttStats{srtt: 100 * ms, rttvar: 40 * ms, n: 9}, 50 * ms, time.Second, 260 * ms},
		{"slow network: capped at the ceiling", rttStats{srtt: 900 * ms, rttvar: 300 * ms, n: 9}, 50 * ms, time.Second, time.Second},
		{"floor above ceiling: ceiling wins", steady(ms, 10), 2 * time.Second, time.Second, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.s.timeout(tc.floor, tc.ceiling); got != tc.want {
				t.Errorf("%+v.timeout(%v, %v) = %v, want %v", tc.s, tc.floor, tc.ceiling, got, tc.want)
			}
		})
	}
}

func TestRTTTrackerAdapts(t *testing.T) {
	tr := newRTTTracker(20*ms, time.Second)
	if got := tr.timeout(); got != time.Second {
		t.Fatalf("cold timeout = %v, want the ceiling", got)
	}
	if got := tr.next(time.Second); got != 20*ms {
		t.Errorf("cold recheck = %v, want the floor", got)
	}
	for range minRTTSamples {
		tr.observe(100 * time.Microsecond)
	}
	if got := tr.timeout(); got != 20*ms {
		t.Errorf("warm timeout = %v, want the floor", got)
	}
	if got := tr.next(15 * ms); got != 15*ms {
		t.Errorf("warm recheck = %v, want the remaining time", got)
	}
	var nilTracker *rttTracker
	nilTracker.observe(ms) // a sweep without adaptation feeds a nil tracker
}

// slowLiveDialer serves one host: fast ports refuse at once, the slow port
// connects only after delay, and other addresses never answer.
type slowLiveDialer struct {
	live     netip.Addr
	slowPort uint16
	delay    time.Duration
	fastDone chan struct{} // closed once fastN fast probes were answered
	fastN    int

	mu       sync.Mutex
	fast     int
	attempts map[string]int
	cut      map[string]int // attempts ended by ctx before answering
}

func (d *slowLiveDialer) dial(ctx context.Context, network, address string) (net.Conn, error) {
	ap := netip.MustParseAddrPort(address)
	d.mu.Lock()
	d.attempts[address]++
	d.mu.Unlock()
	if ap.Addr() != d.live {
		return d.wait(ctx, address, nil)
	}
	if ap.Port() != d.slowPort {
		d.mu.Lock()
		if d.fast++; d.fast == d.fastN {
			close(d.fastDone)
		}
		d.mu.Unlock()
		return refuse(ctx, address)
	}
	// The slow device answers delay after the other ports did, so the
	// estimate has adapted by then whatever the probe order.
	select {
	case <-d.fastDone:
	case <-ctx.Done():
		return d.wait(ctx, address, nil)
	}
	return d.wait(ctx, address, time.After(d.delay))
}

func (d *slowLiveDialer) wait(ctx context.Context, address string, answer <-chan time.Time) (net.Conn, error) {
	select {
	case <-answer:
		c1, c2 := net.Pipe()
		c2.Close()
		return c1, nil
	case <-ctx.Done():
		d.mu.Lock()
		d.cut[address]++
		d.mu.Unlock()
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: ctx.Err()}
	}
}

func TestNativeAdaptiveTimeoutRetriesSlowLiveHost(t *testing.T) {
	d := &slowLiveDialer{
		live: netip.MustParseAddr("192.0.2.1"), slowPort: 9100, delay: 200 * ms,
		fastDone: make(chan struct{}), fastN: 6,
		attempts: map[string]int{}, cut: map[string]int{},
	}
	cfg := SweepConfig{
		TCPPorts: []int{21, 22, 23, 80, 443, 515, 9100},
		// The floor is a tenth of the device's delay, the configured
		// timeout far above it: only the full-timeout retry can find 9100.
		MinTimeout: 20 * ms, Timeout: 10 * time.Second, Retries: -1, PerHost: 16, Rate: -1,
	}
	start := time.Now()
	got, err := sweepAll(t, &Native{Dial: d.dial}, mustTargets(t, "192.0.2.1-2"), cfg)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	if want := []facts.Port{{Port: 9100, Protocol: "tcp", State: "open", Service: ServiceName("tcp", 9100)}}; len(got) != 1 || got[0].Addr != d.live || !slices.Equal(got[0].Ports, want) {
		t.Fatalf("results = %+v, want %v with %+v", got, d.live, want)
	}
	if n, c := d.attempts["192.0.2.1:9100"], d.cut["192.0.2.1:9100"]; n != 2 || c != 1 {
		t.Errorf("slow port: %d attempts, %d cut short; want 2 and 1 (adaptive cut, then a full-timeout retry)", n, c)
	}
	// The silent host: one adaptive timeout per port, no retries.
	for _, p := range cfg.TCPPorts {
		a := netip.AddrPortFrom(netip.MustParseAddr("192.0.2.2"), uint16(p)).String()
		if n := d.attempts[a]; n != 1 {
			t.Errorf("silent %s: %d attempts, want 1", a, n)
		}
	}
	// A silent port waiting the 10s Timeout would show here; the adaptive
	// one ends it after about 20ms (the slow port adds its 200ms).
	if elapsed > 5*time.Second {
		t.Errorf("sweep took %v; silent probes were not cut by the adaptive timeout", elapsed)
	}
}

func TestNativeAdaptiveTimeoutDisabled(t *testing.T) {
	d := &slowLiveDialer{
		live: netip.MustParseAddr("192.0.2.1"), slowPort: 9100, delay: 100 * ms,
		fastDone: make(chan struct{}), fastN: 6,
		attempts: map[string]int{}, cut: map[string]int{},
	}
	cfg := SweepConfig{TCPPorts: []int{21, 22, 23, 80, 443, 515, 9100}, MinTimeout: -1, Timeout: 10 * time.Second, PerHost: 16, Rate: -1}
	got, err := sweepAll(t, &Native{Dial: d.dial}, mustTargets(t, "192.0.2.1"), cfg)
	if err != nil || len(got) != 1 {
		t.Fatalf("results = %+v, err %v; want the live host", got, err)
	}
	if n := d.attempts["192.0.2.1:9100"]; n != 1 {
		t.Errorf("slow port: %d attempts without adaptation, want 1 (it answers within Timeout)", n)
	}
}
