package scanner

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/mfpscan/mfpscan/facts"
)

// DialFunc opens a connection; *net.Dialer's DialContext is one.
type DialFunc func(ctx context.Context, network, address string) (net.Conn, error)

// Native is the built-in connect sweep: a TCP connect (then close, never a
// byte written) per port and, per UDP probe, an SNMP GET / v3 discovery, a
// WS-Discovery Probe or an SLP Service Request. It needs no privileges.
type Native struct {
	// Dial opens probe connections; nil uses a plain net.Dialer. Tests
	// inject dialers that block or fail on purpose.
	Dial DialFunc
	// lag, when not nil, replaces the sweep's own lagMonitor (tests).
	lag starvation
}

// NewNative returns the native engine with the system dialer.
func NewNative() *Native { return &Native{} }

// Name is the --engine value.
func (n *Native) Name() string { return "native" }

// ErrHostDeadline is set on a HostResult whose probes were cut short.
var ErrHostDeadline = errors.New("host deadline exceeded")

// probe is one (protocol, port) to try on a host.
type probe struct {
	udp     int // index into SweepConfig.UDPProbes, or -1 for TCP
	port    int
	attempt int
	// starved counts the final timeouts retried because the scanner was
	// starved of CPU meanwhile.
	starved int
}

type hostState struct {
	addr     netip.Addr
	start    time.Time
	deadline time.Time
	pending  []probe
	inflight int
	ready    int // index in sweep.ready, -1 when not there
	ports    []facts.Port
	open     bool
	// alive is set once any probe got an answer (open, RST, ICMP). Timed-out
	// probes are retried only on live hosts: a silent address costs one
	// adaptive timeout instead of Timeout × (1 + Retries), and a lost SYN
	// on a live MFP is still retried. Until then they wait in deferred.
	alive    bool
	deferred []probe
	err      error
	hints    []facts.IdentityHint
}

type job struct {
	h        *hostState
	addr     netip.Addr
	deadline time.Time
	p        probe
}

type outcome struct {
	h     *hostState
	p     probe
	state string // open, closed, filtered; "" when cancelled
	short bool   // a timeout by the adaptive timer, shorter than Timeout
	began time.Time
	err   error
	// hints are identity clues from an answering UDP probe (BJNP).
	hints []facts.IdentityHint
}

// sweep holds the scheduler state; only the scheduler goroutine touches it.
type sweep struct {
	n      *Native
	cfg    SweepConfig
	lim    *rate.Limiter
	rtt    *rttTracker // nil when the timeout does not adapt
	lag    starvation
	rng    *rand.Rand
	emit   func(HostResult)
	probes []probe
	ready  []*hostState
	active int
	window int
	done   uint64
	total  uint64
	found  int
}

// Sweep implements Engine. Probes of different hosts are interleaved in a
// random order: addresses come from TargetSet.Shuffled, a window of hosts is
// kept active, and each dispatch picks a random ready host and the next of
// its randomly ordered ports. State exists only for the window, so memory is
// bounded whatever the sweep size.
func (n *Native) Sweep(ctx context.Context, targets *TargetSet, cfg SweepConfig, emit func(HostResult)) error {
	cfg = cfg.withDefaults()
	probes, err := buildProbes(cfg)
	if err != nil {
		return err
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	s := &sweep{
		n: n, cfg: cfg, emit: emit, probes: probes, total: targets.Count(),
		rng: rand.New(rand.NewPCG(seed, seed^0x6d6670)),
		lim: rate.NewLimiter(rate.Inf, 1),
	}
	if cfg.Rate > 0 {
		// A burst of 10ms worth of tokens smooths scheduling jitter without
		// letting a stalled sweep catch up in one flood.
		s.lim = rate.NewLimiter(rate.Limit(cfg.Rate), max(1, int(cfg.Rate/100)))
	}
	if cfg.MinTimeout > 0 && cfg.MinTimeout < cfg.Timeout {
		s.rtt = newRTTTracker(cfg.MinTimeout, cfg.Timeout)
	}
	s.lag = n.lag
	if s.lag == nil {
		m := newLagMonitor(lagTick, lagThreshold(cfg.Timeout), time.Now())
		monCtx, stopMonitor := context.WithCancel(ctx)
		waitMonitor := m.run(monCtx)
		defer func() { stopMonitor(); waitMonitor() }()
		s.lag = m
	}
	// Enough hosts to keep every slot busy twice over, so a few slow hosts
	// do not idle the sweep.
	s.window = 2*cfg.Concurrency/min(cfg.PerHost, len(probes)) + 1

	jobs := make(chan job)
	results := make(chan outcome, cfg.Concurrency)
	var wg sync.WaitGroup
	for range cfg.Concurrency {
		wg.Go(func() {
			for j := range jobs {
				results <- s.run(ctx, j)
			}
		})
	}
	go func() { wg.Wait(); close(results) }()

	next, stop := iter.Pull(targets.Shuffled(seed))
	defer stop()
	err = s.schedule(ctx, next, jobs, results)
	close(jobs)
	for range results {
		// Drain: cancelled probes return at once because their dial ctx
		// derives from ctx; unfinished hosts are not emitted.
	}
	return err
}

func buildProbes(cfg SweepConfig) ([]probe, error) {
	var out []probe
	for _, p := range cfg.TCPPorts {
		if p < 1 || p > 65535 {
			return nil, fmt.Errorf("sweep: invalid TCP port %d", p)
		}
		out = append(out, probe{udp: -1, port: p})
	}
	for i, u := range cfg.UDPProbes {
		if u.Port < 1 || u.Port > 65535 {
			return nil, fmt.Errorf("sweep: invalid UDP port %d", u.Port)
		}
		if !knownUDPService(u.Service) {
			return nil, fmt.Errorf("sweep: unsupported UDP probe %q", u.Service)
		}
		out = append(out, probe{udp: i, port: u.Port})
	}
	if len(out) == 0 {
		return nil, errors.New("sweep: no ports to probe")
	}
	return out, nil
}

// schedule runs until every host is finished or ctx is cancelled.
func (s *sweep) schedule(ctx context.Context, next func() (netip.Addr, bool), jobs chan<- job, results <-chan outcome) error {
	exhausted := false
	for {
		for !exhausted && s.active < s.window {
			a, ok := next()
			if !ok {
				exhausted = true
				break
			}
			s.admit(a)
		}
		if exhausted && s.active == 0 {
			return nil
		}
		var out chan<- job
		j, ok := s.pick()
		if ok {
			out = jobs
		} else if s.active == 0 || (!exhausted && s.active < s.window) {
			// pick finished hosts past their deadline: refill first.
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case out <- j:
			s.dispatched(j)
		case o := <-results:
			s.record(o)
		}
	}
}

func (s *sweep) admit(a netip.Addr) {
	now := time.Now()
	h := &hostState{addr: a, start: now, deadline: now.Add(s.cfg.HostDeadline), ready: -1}
	h.pending = slices.Clone(s.probes)
	s.rng.Shuffle(len(h.pending), func(i, j int) { h.pending[i], h.pending[j] = h.pending[j], h.pending[i] })
	s.active++
	s.setReady(h, true)
}

// pick chooses a random ready host and its next probe without committing.
// Hosts past their deadline lose their pending probes here.
func (s *sweep) pick() (job, bool) {
	for len(s.ready) > 0 {
		h := s.ready[s.rng.IntN(len(s.ready))]
		if time.Now().After(h.deadline) {
			for _, p := range h.pending {
				if p.attempt > 0 {
					s.addPort(h, p, "filtered") // tried and timed out already
				}
			}
			h.pending = nil
			h.err = cmp.Or(h.err, ErrHostDeadline)
			s.setReady(h, false)
			s.maybeFinish(h)
			continue
		}
		return job{h: h, addr: h.addr, deadline: h.deadline, p: h.pending[len(h.pending)-1]}, true
	}
	return job{}, false
}

func (s *sweep) dispatched(j job) {
	h := j.h
	h.pending = h.pending[:len(h.pending)-1]
	h.inflight++
	if len(h.pending) == 0 || h.inflight >= s.cfg.PerHost {
		s.setReady(h, false)
	}
}

func (s *sweep) record(o outcome) {
	h := o.h
	h.inflight--
	if o.err != nil && !errors.Is(o.err, context.Canceled) {
		h.err = cmp.Or(h.err, o.err)
	}
	switch o.state {
	case "":
		// Cancelled: nothing learned.
	case stateTimeout:
		s.timedOut(h, o.p, o.short, o.began)
	default:
		if o.state != "filtered" && !h.alive {
			h.alive = true
			for _, p := range h.deferred {
				s.retry(h, p)
			}
			h.deferred = nil
		}
		s.addPort(h, o.p, o.state)
		h.hints = append(h.hints, o.hints...)
	}
	s.setReady(h, len(h.pending) > 0 && h.inflight < s.cfg.PerHost)
	s.maybeFinish(h)
}

// timedOut handles an attempt without an answer. One cut short by the
// adaptive timeout never counts as final: only an attempt that waited the
// full Timeout can call a port on a live host filtered, and only if the
// scanner was not starved of CPU meanwhile (then it is tried again, and
// the host marked if the starvation lasts).
func (s *sweep) timedOut(h *hostState, p probe, short bool, began time.Time) {
	final := p.attempt >= s.cfg.Retries && !short
	if final && h.alive && s.lag.starvedSince(began, time.Now()) {
		if p.starved < maxStarvedRetries {
			p.starved++
			s.retry(h, p)
			return
		}
		h.err = cmp.Or(h.err, ErrScannerStarved)
	}
	switch {
	case final:
		s.addPort(h, p, "filtered")
	case h.alive:
		s.retry(h, p)
	default:
		h.deferred = append(h.deferred, p)
	}
}

// retry queues p again; it goes first so retries are not starved.
func (s *sweep) retry(h *hostState, p probe) {
	p.attempt++
	h.pending = append(h.pending, p)
}

func (s *sweep) addPort(h *hostState, p probe, state string) {
	if state == "open" {
		h.open = true
	}
	if state != "open" && !s.cfg.EmitAll {
		return
	}
	proto, service := "tcp", ServiceName("tcp", p.port)
	if p.udp >= 0 {
		proto, service = "udp", s.cfg.UDPProbes[p.udp].portService()
	}
	h.ports = append(h.ports, facts.Port{Port: p.port, Protocol: proto, State: state, Service: service})
}

func (s *sweep) maybeFinish(h *hostState) {
	if len(h.pending) > 0 || h.inflight > 0 {
		return
	}
	// Nothing answered, so deferred timeouts are final.
	for _, p := range h.deferred {
		s.addPort(h, p, "filtered")
	}
	h.deferred = nil
	s.active--
	s.done++
	if h.open || s.cfg.EmitAll {
		slices.SortFunc(h.ports, func(a, b facts.Port) int {
			return cmp.Or(cmp.Compare(a.Protocol, b.Protocol), cmp.Compare(a.Port, b.Port))
		})
		s.found++
		s.emit(HostResult{Addr: h.addr, Ports: h.ports, Hints: h.hints, Err: h.err, Duration: time.Since(h.start)})
	}
	if s.cfg.Progress != nil {
		s.cfg.Progress(s.done, s.total, s.found)
	}
}

// setReady adds h to or removes it from the ready list in O(1).
func (s *sweep) setReady(h *hostState, ready bool) {
	switch {
	case ready && h.ready < 0:
		h.ready = len(s.ready)
		s.ready = append(s.ready, h)
	case !ready && h.ready >= 0:
		last := s.ready[len(s.ready)-1]
		s.ready[h.ready] = last
		last.ready = h.ready
		s.ready = s.ready[:len(s.ready)-1]
		h.ready = -1
	}
}
