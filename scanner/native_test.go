package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/facts"

	"github.com/mfpscan/mfpscan/internal/testnet"
)

// listen opens a TCP listener on addr (host:0). Each accepted connection
// reports on the channel how many bytes the client sent before closing.
func listen(t *testing.T, addr string) (int, <-chan int64) {
	t.Helper()
	sent := make(chan int64, 64)
	a := testnet.Serve(t, addr, func(c net.Conn) {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, _ := io.Copy(io.Discard, c)
		sent <- n
	})
	return a.Port, sent
}

func mustTargets(t *testing.T, specs ...string) *TargetSet {
	t.Helper()
	ts, err := ParseTargets(specs, nil, TargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// calm is a starvation source that never reports starvation: the sweep's
// own monitor on a loaded test machine could retry a timed-out probe and
// change the attempt counts these tests check.
type calm struct{}

func (calm) starvedSince(time.Time, time.Time) bool { return false }

// starved always reports starvation.
type starved struct{}

func (starved) starvedSince(time.Time, time.Time) bool { return true }

func sweepAll(t *testing.T, e Engine, ts *TargetSet, cfg SweepConfig) ([]HostResult, error) {
	t.Helper()
	if n, ok := e.(*Native); ok && n.lag == nil {
		n.lag = calm{}
	}
	var out []HostResult
	err := e.Sweep(context.Background(), ts, cfg, func(r HostResult) { out = append(out, r) })
	slices.SortFunc(out, func(a, b HostResult) int { return a.Addr.Compare(b.Addr) })
	return out, err
}

func tcpPorts(ports ...int) []facts.Port {
	var out []facts.Port
	for _, p := range ports {
		out = append(out, facts.Port{Port: p, Protocol: "tcp", State: "open", Service: ServiceName("tcp", p)})
	}
	slices.SortFunc(out, func(a, b facts.Port) int { return a.Port - b.Port })
	return out
}

func TestNativeLoopbackOpenAndClosed(t *testing.T) {
	p1, w1 := listen(t, "127.0.0.1:0")
	p2, w2 := listen(t, "127.0.0.1:0")
	closed := testnet.FreePort(t, "tcp")
	cfg := SweepConfig{TCPPorts: []int{p1, closed, p2}, Timeout: 2 * time.Second, Seed: 1}
	got, err := sweepAll(t, NewNative(), mustTargets(t, "127.0.0.1"), cfg)
	if err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	if len(got) != 1 || got[0].Addr != netip.MustParseAddr("127.0.0.1") {
		t.Fatalf("results = %+v, want one for 127.0.0.1", got)
	}
	if want := tcpPorts(p1, p2); !slices.Equal(got[0].Ports, want) {
		t.Errorf("ports = %+v, want %+v", got[0].Ports, want)
	}
	if got[0].Err != nil {
		t.Errorf("host error = %v", got[0].Err)
	}

	cfg.EmitAll = true
	got, err = sweepAll(t, NewNative(), mustTargets(t, "127.0.0.1"), cfg)
	if err != nil {
		t.Fatalf("Sweep EmitAll: %v", err)
	}
	want := facts.Port{Port: closed, Protocol: "tcp", State: "closed"}
	if len(got) != 1 || !slices.Contains(got[0].Ports, want) {
		t.Errorf("EmitAll results = %+v, want closed port %d", got, closed)
	}
	// Connect-only: each listener saw two connections (one per sweep), and
	// each closed without a byte sent.
	for _, sent := range []<-chan int64{w1, w2} {
		for range 2 {
			select {
			case n := <-sent:
				if n != 0 {
					t.Errorf("probe wrote %d bytes to a TCP port", n)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("probe connection never closed")
			}
		}
	}
}

func TestNativeDedicatedLoopbackSubnet(t *testing.T) {
	port, _ := listen(t, "127.79.0.5:0")
	other, _ := listen(t, "127.79.0.9:0")
	cfg := SweepConfig{TCPPorts: []int{port, other}, Timeout: 2 * time.Second}
	got, err := sweepAll(t, NewNative(), mustTargets(t, "127.79.0.0/28"), cfg)
	if err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	want := []netip.Addr{netip.MustParseAddr("127.79.0.5"), netip.MustParseAddr("127.79.0.9")}
	var addrsGot []netip.Addr
	for _, r := range got {
		addrsGot = append(addrsGot, r.Addr)
	}
	if !slices.Equal(addrsGot, want) {
		t.Fatalf("hosts found = %v, want %v", addrsGot, want)
	}
	if !slices.Equal(got[0].Ports, tcpPorts(port)) || !slices.Equal(got[1].Ports, tcpPorts(other)) {
		t.Errorf("ports = %+v / %+v", got[0].Ports, got[1].Ports)
	}
}

// fakeDialer answers probes without a network: per-port behaviour, and it
// records attempts and peak concurrency.
type fakeDialer struct {
	mu       sync.Mutex
	attempts map[string]int
	order    []string
	inflight map[string]int
	peakHost int
	peakAll  int
	total    int
	behave   func(ctx context.Context, address string) (net.Conn, error)
}

func newFakeDialer(behave func(ctx context.Context, address string) (net.Conn, error)) *fakeDialer {
	return &fakeDialer{attempts: map[string]int{}, inflight: map[string]int{}, behave: behave}
}

func (f *fakeDialer) dial(ctx context.Context, network, address string) (net.Conn, error) {
	host, _, _ := net.SplitHostPort(address)
	f.mu.Lock()
	f.attempts[network+"/"+address]++
	f.order = append(f.order, address)
	f.inflight[host]++
	f.total++
	f.peakHost = max(f.peakHost, f.inflight[host])
	f.peakAll = max(f.peakAll, f.total)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inflight[host]--
		f.total--
		f.mu.Unlock()
	}()
	return f.behave(ctx, address)
}

func blockUntilDone(ctx context.Context, _ string) (net.Conn, error) {
	<-ctx.Done()
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: ctx.Err()}
}

func refuse(context.Context, string) (net.Conn, error) {
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
}

func TestNativeTimeoutIsFilteredAndRetried(t *testing.T) {
	f := newFakeDialer(func(ctx context.Context, address string) (net.Conn, error) {
		if address == "192.0.2.1:80" {
			return refuse(ctx, address)
		}
		return blockUntilDone(ctx, address)
	})
	cfg := SweepConfig{TCPPorts: []int{80, 443}, Timeout: 20 * time.Millisecond, Retries: 2, EmitAll: true}
	// sweepHost sweeps one host with cfg, which must give its ports the states
	// for 80 and 443.
	sweepHost := func(f *fakeDialer, host, state80, state443 string) {
		t.Helper()
		got, err := sweepAll(t, &Native{Dial: f.dial}, mustTargets(t, host), cfg)
		if err != nil {
			t.Fatalf("Sweep %s: %v", host, err)
		}
		want := []facts.Port{
			{Port: 80, Protocol: "tcp", State: state80, Service: "http"},
			{Port: 443, Protocol: "tcp", State: state443, Service: "https"},
		}
		if len(got) != 1 || !slices.Equal(got[0].Ports, want) {
			t.Fatalf("%s: results = %+v, want ports %+v", host, got, want)
		}
	}
	sweepHost(f, "192.0.2.1", "closed", "filtered")
	if n := f.attempts["tcp/192.0.2.1:443"]; n != 3 {
		t.Errorf("timed-out port tried %d times, want 3 (1 + 2 retries)", n)
	}
	if n := f.attempts["tcp/192.0.2.1:80"]; n != 1 {
		t.Errorf("refused port tried %d times, want 1 (no retry on refusal)", n)
	}

	// A host that answers nothing gets no retries: it costs one Timeout.
	f = newFakeDialer(blockUntilDone)
	sweepHost(f, "192.0.2.2", "filtered", "filtered")
	if len(f.order) != 2 {
		t.Errorf("silent host got %d attempts, want 2 (no retries without a sign of life)", len(f.order))
	}

	// Without EmitAll a host with nothing open is not reported at all.
	got, err := sweepAll(t, &Native{Dial: f.dial}, mustTargets(t, "192.0.2.1"), SweepConfig{TCPPorts: []int{80, 443}, Timeout: 10 * time.Millisecond, Retries: -1})
	if err != nil || len(got) != 0 {
		t.Errorf("silent host: results %+v, err %v; want none", got, err)
	}
}

// TestNativeStarvedTimeoutIsNotFinal: a live host's port that times out
// while the scanner is starved of CPU is tried again, and if the starvation
// lasts the host is marked ErrScannerStarved (its port list is incomplete,
// so the rules review its port checks) instead of the port passing for
// filtered.
func TestNativeStarvedTimeoutIsNotFinal(t *testing.T) {
	cfg := SweepConfig{TCPPorts: []int{80, 443}, Timeout: 20 * time.Millisecond, Retries: 1, EmitAll: true}
	for _, c := range []struct {
		name     string
		lag      starvation
		attempts int
		err      error
	}{
		{"calm", calm{}, 1 + 1, nil},
		{"starved", starved{}, 1 + 1 + maxStarvedRetries, ErrScannerStarved},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFakeDialer(func(ctx context.Context, address string) (net.Conn, error) {
				if address == "192.0.2.1:80" {
					return refuse(ctx, address) // alive: its timeouts are retried
				}
				return blockUntilDone(ctx, address)
			})
			got, err := sweepAll(t, &Native{Dial: f.dial, lag: c.lag}, mustTargets(t, "192.0.2.1"), cfg)
			if err != nil || len(got) != 1 {
				t.Fatalf("Sweep: %+v, %v", got, err)
			}
			if n := f.attempts["tcp/192.0.2.1:443"]; n != c.attempts {
				t.Errorf("timed-out port tried %d times, want %d", n, c.attempts)
			}
			if !errors.Is(got[0].Err, c.err) || (c.err == nil && got[0].Err != nil) {
				t.Errorf("host error %v, want %v", got[0].Err, c.err)
			}
		})
	}
}

func TestNativeHostDeadline(t *testing.T) {
	f := newFakeDialer(blockUntilDone)
	cfg := SweepConfig{TCPPorts: []int{1, 2, 3, 4, 5}, PerHost: 1, Timeout: time.Minute, Retries: 3, HostDeadline: 50 * time.Millisecond, EmitAll: true}
	start := time.Now()
	got, err := sweepAll(t, &Native{Dial: f.dial}, mustTargets(t, "192.0.2.1"), cfg)
	if err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	if len(got) != 1 || !errors.Is(got[0].Err, ErrHostDeadline) {
		t.Fatalf("results = %+v, want ErrHostDeadline", got)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("sweep took %v despite a 50ms host deadline", el)
	}
	if len(f.order) != 1 {
		t.Errorf("%d probes sent after the deadline cut the host short, want 1", len(f.order))
	}
}

func TestNativeCancelReturnsPromptlyWithPartialResults(t *testing.T) {
	// The first few addresses answer at once; the rest hang until cancelled.
	fast := map[string]bool{"192.0.2.1": true, "192.0.2.2": true, "192.0.2.3": true}
	f := newFakeDialer(func(ctx context.Context, address string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(address)
		if fast[host] {
			c1, c2 := net.Pipe()
			c2.Close()
			return c1, nil
		}
		return blockUntilDone(ctx, address)
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got []netip.Addr
	var cancelledAt time.Time
	// Enough slots that every host is probed at once, whatever the order.
	cfg := SweepConfig{TCPPorts: []int{80}, Timeout: time.Minute, Concurrency: 32, PerHost: 1}
	err := (&Native{Dial: f.dial}).Sweep(ctx, mustTargets(t, "192.0.2.0/27"), cfg, func(r HostResult) {
		got = append(got, r.Addr)
		if len(got) == len(fast) {
			cancelledAt = time.Now()
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Sweep error = %v, want context.Canceled", err)
	}
	if len(got) != len(fast) {
		t.Fatalf("emitted %v, want the %d fast hosts", got, len(fast))
	}
	if el := time.Since(cancelledAt); el > time.Second {
		t.Errorf("Sweep returned %v after cancel, want well under a second", el)
	}
}

func TestNativeRateLimit(t *testing.T) {
	f := newFakeDialer(refuse)
	ports := make([]int, 100)
	for i := range ports {
		ports[i] = i + 1
	}
	cfg := SweepConfig{TCPPorts: ports, Rate: 200, PerHost: 8}
	start := time.Now()
	if _, err := sweepAll(t, &Native{Dial: f.dial}, mustTargets(t, "192.0.2.1-2"), cfg); err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	el := time.Since(start)
	// 200 probes at 200/s with a burst of 2: at least (200-2)/200 s.
	if len(f.order) != 200 {
		t.Fatalf("%d probes, want 200", len(f.order))
	}
	if min := 900 * time.Millisecond; el < min {
		t.Errorf("200 probes at 200/s took %v, want at least %v", el, min)
	}
}

func TestNativeConcurrencyLimits(t *testing.T) {
	f := newFakeDialer(func(ctx context.Context, address string) (net.Conn, error) {
		select { // simulated round trip, so probes overlap
		case <-time.After(2 * time.Millisecond):
		case <-ctx.Done():
		}
		return refuse(ctx, address)
	})
	cfg := SweepConfig{TCPPorts: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, Rate: -1, Concurrency: 6, PerHost: 2, Seed: 3}
	if _, err := sweepAll(t, &Native{Dial: f.dial}, mustTargets(t, "192.0.2.0/28"), cfg); err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	if f.peakHost > 2 {
		t.Errorf("peak probes per host = %d, want <= 2", f.peakHost)
	}
	if f.peakAll > 6 {
		t.Errorf("peak probes in flight = %d, want <= 6", f.peakAll)
	}
	if f.peakAll < 2 {
		t.Errorf("peak probes in flight = %d: probes never overlapped", f.peakAll)
	}
	if len(f.order) != 160 {
		t.Errorf("%d probes, want 160", len(f.order))
	}
	// Interleaving: the first ten probes must not all go to one host.
	first, _, _ := net.SplitHostPort(f.order[0])
	same := 0
	for _, a := range f.order[:10] {
		if h, _, _ := net.SplitHostPort(a); h == first {
			same++
		}
	}
	if same == 10 {
		t.Error("first ten probes all went to one host; hosts are not interleaved")
	}
}

func TestNativeProgressAndConfigErrors(t *testing.T) {
	f := newFakeDialer(refuse)
	var calls []string
	cfg := SweepConfig{TCPPorts: []int{80}, Progress: func(done, total uint64, found int) {
		calls = append(calls, fmt.Sprintf("%d/%d/%d", done, total, found))
	}}
	if _, err := sweepAll(t, &Native{Dial: f.dial}, mustTargets(t, "192.0.2.1-3"), cfg); err != nil {
		t.Fatal(err)
	}
	if want := []string{"1/3/0", "2/3/0", "3/3/0"}; !slices.Equal(calls, want) {
		t.Errorf("progress calls = %v, want %v", calls, want)
	}
	for _, bad := range []SweepConfig{
		{TCPPorts: []int{0}},
		{TCPPorts: []int{70000}},
		{UDPProbes: []UDPProbe{{Port: 161, Service: "bjnp"}}},
		{},
	} {
		if _, err := sweepAll(t, &Native{Dial: f.dial}, mustTargets(t, "192.0.2.1"), bad); err == nil {
			t.Errorf("config %+v accepted", bad)
		}
	}
}
