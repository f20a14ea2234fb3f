package scanner

import (
	"context"
	"net/netip"
	"time"

	"github.com/mfpscan/mfpscan/facts"
)

// Engine sweeps a target set for open ports.
type Engine interface {
	Name() string
	// Sweep probes every target and calls emit once per finished host, from
	// one goroutine at a time. It returns ctx.Err() when cancelled, after
	// the hosts finished so far have been emitted.
	Sweep(ctx context.Context, targets *TargetSet, cfg SweepConfig, emit func(HostResult)) error
}

// HostResult is what a sweep learned about one host.
type HostResult struct {
	Addr netip.Addr
	// Ports holds the open TCP ports and answering UDP services, sorted by
	// protocol then port; closed and filtered ones too when EmitAll is set.
	Ports []facts.Port
	// Hints are identity clues read from UDP replies (BJNP identity), in
	// the order the replies came.
	Hints []facts.IdentityHint
	// Err is a host-level problem (deadline exceeded, unexpected dial
	// error); Ports still holds whatever was learned.
	Err      error
	Duration time.Duration
}

// UDPProbe asks for one UDP service on a port.
type UDPProbe struct {
	Port int
	// Service is the protocol spoken: "snmp", "wsd" (WS-Discovery Probe),
	// "slp" (SLPv2 Service Request), "bjnp-printer" or "bjnp-scanner" (BJNP
	// get-identity on 8611 / 8612).
	Service string
	// Communities (snmp only) are tried with v2c and v1 GETs; they are secrets and are
	// never logged or put in errors.
	Communities []string
}

// SNMPProbe is the standard SNMP discovery probe on port 161 with the
// well-known read communities (GET only).
func SNMPProbe(extra ...string) UDPProbe {
	return UDPProbe{Port: 161, Service: "snmp", Communities: append([]string{"public"}, extra...)}
}

// SweepConfig tunes a sweep. Zero fields take the defaults of
// DefaultSweepConfig.
type SweepConfig struct {
	TCPPorts  []int
	UDPProbes []UDPProbe
	// Rate is the global probe budget per second (token bucket); negative
	// means unlimited.
	Rate float64
	// Concurrency bounds probes in flight across all hosts.
	Concurrency int
	// PerHost bounds probes in flight against one host.
	PerHost int
	// Timeout bounds one probe attempt. First attempts end earlier once
	// the sweep has measured round trips (see MinTimeout); retries always
	// get the full Timeout.
	Timeout time.Duration
	// MinTimeout is the floor of the adaptive timeout: after a few answered
	// connects, a first attempt waits SRTT + 4·RTTVAR (RFC 6298) clamped to
	// [MinTimeout, Timeout]. Negative disables adaptation (every attempt
	// waits Timeout).
	MinTimeout time.Duration
	// Retries is how often a timed-out probe is repeated with the full
	// Timeout, on hosts that answered some other probe; refusals are final.
	// A first attempt cut short by the adaptive timeout is repeated on such
	// hosts even when Retries is negative (none).
	Retries int
	// HostDeadline bounds the time spent on one host.
	HostDeadline time.Duration
	// EmitAll reports every host, including those with nothing open, and
	// keeps closed and filtered ports in the results.
	EmitAll bool
	// Seed fixes the probe order; 0 picks a random one.
	Seed uint64
	// Progress, when set, is called after each host with the hosts done,
	// the total and the hosts found so far.
	Progress func(done, total uint64, found int)
}

// Defaults chosen for the benchmark case in issue 3 (a /24: 32 live MFPs, 192
// silent addresses, ~10 ports) on an office LAN:
//   - Rate 5000/s: a /24 × 17 probes is ~4400 probes, under a second of
//     budget, while a /16 takes minutes, so no switch or IDS sees a flood.
//     Tokens count packets sent: a TCP probe takes one, an SNMP probe one
//     per datagram (one per version and community, plus the v3 request),
//     a WSD or SLP probe one.
//   - Timeout 1s with 1 retry: LAN round trips are under 10ms, so 1s is
//     generous for slow embedded stacks. Retries go only to hosts that
//     answered something, so a silent address costs one adaptive timeout
//     per probe and a lost SYN on a live MFP is still retried, with 1s.
//   - MinTimeout 100ms: the adaptive timeout of first attempts never drops
//     below it. It is nmap -T4's min-rtt-timeout (-T5 uses 50ms) and 10× a
//     LAN round trip, which leaves room for the scanner itself being slow
//     to notice an answer (Go scheduling and netpoll with 2048 probes in
//     flight on a loaded machine). On a host that answers anything, the
//     floor costs no correctness, only retries: its cut probes are retried
//     with the full Timeout. A host none of whose probes answers within
//     the adaptive timeout is taken for silent, as nmap does; a higher
//     floor would cost every silent probe more (a /24 sweep ends one floor
//     after its last probe is sent). Slots stay
//     far ahead of the rate (2048 / 100ms ≫ 5000/s), so a sweep of silent
//     addresses is bound by Rate, not by addresses × timeout.
//   - Concurrency 2048 (capped by the open-file limit): a /24's ~2100
//     silent probes fit in about one wave.
//   - PerHost 8: an MFP never sees more than eight connects at once, which
//     their TCP stacks (built for several browser sessions) handle. A
//     silent address's ~11 probes then take two waves, but with the
//     adaptive timeout a wave costs MinTimeout, and a /24 sweep is bound by
//     Rate (its ~2400 probes are half a second of budget) more than by
//     waves, so a looser limit for not-yet-answering hosts was not needed.
//   - HostDeadline 30s caps a host whose probes keep timing out.
const (
	defaultRate         = 5000
	defaultConcurrency  = 2048
	defaultPerHost      = 8
	defaultTimeout      = time.Second
	defaultMinTimeout   = 100 * time.Millisecond
	defaultRetries      = 1
	defaultHostDeadline = 30 * time.Second
)

// DefaultSweepConfig is the sweep of a plain `mfpscan scan`: the port
// table's default TCP ports and UDP probes with the tuned limits below.
func DefaultSweepConfig() SweepConfig {
	return SweepConfig{
		TCPPorts:     DefaultTCPPorts(),
		UDPProbes:    DefaultUDPProbes(),
		Rate:         defaultRate,
		Concurrency:  defaultConcurrency,
		PerHost:      defaultPerHost,
		Timeout:      defaultTimeout,
		MinTimeout:   defaultMinTimeout,
		Retries:      defaultRetries,
		HostDeadline: defaultHostDeadline,
	}
}

// withDefaults fills zero fields; it returns a copy and leaves cfg alone.
func (cfg SweepConfig) withDefaults() SweepConfig {
	if cfg.Rate == 0 {
		cfg.Rate = defaultRate
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = defaultConcurrency
	}
	cfg.Concurrency = maxConcurrency(cfg.Concurrency)
	if cfg.PerHost <= 0 {
		cfg.PerHost = defaultPerHost
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTimeout
	}
	if cfg.MinTimeout == 0 {
		cfg.MinTimeout = defaultMinTimeout
	}
	if cfg.Retries == 0 {
		cfg.Retries = defaultRetries
	}
	cfg.Retries = max(cfg.Retries, 0)
	if cfg.HostDeadline <= 0 {
		cfg.HostDeadline = defaultHostDeadline
	}
	return cfg
}
