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
	// Err is a host-level problem (deadline exceeded, unexpected dial
	// error); Ports still holds whatever was learned.
	Err      error
	Duration time.Duration
}

// UDPProbe asks for one UDP service on a port.
type UDPProbe struct {
	Port int
	// Service is the protocol spoken; only "snmp" is implemented.
	Service string
	// Communities are tried with v2c and v1 GETs; they are secrets and are
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
	// Timeout bounds one probe attempt.
	Timeout time.Duration
	// Retries is how often a timed-out probe is repeated, on hosts that
	// answered some other probe; refusals are final. Negative means none.
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
//   - Timeout 1s with 1 retry: LAN round trips are under 10ms, so 1s is
//     generous for slow embedded stacks. Retries go only to hosts that
//     answered something, so a silent address costs one Timeout per probe
//     and a lost SYN on a live MFP is still retried.
//   - Concurrency 2048 (capped by the open-file limit): silent probes hold
//     a slot for the full Timeout; 2048 slots cover a /24's ~2100 silent
//     probes in about one Timeout wave.
//   - PerHost 8: an MFP never sees more than eight connects at once, which
//     their TCP stacks (built for several browser sessions) handle; a
//     silent host's ~10 probes finish in two waves.
//   - HostDeadline 30s caps a host whose probes keep timing out.
const (
	defaultRate         = 5000
	defaultConcurrency  = 2048
	defaultPerHost      = 8
	defaultTimeout      = time.Second
	defaultRetries      = 1
	defaultHostDeadline = 30 * time.Second
)

// DefaultSweepConfig is the default TCP port set plus the SNMP probe.
func DefaultSweepConfig() SweepConfig {
	return SweepConfig{
		TCPPorts:     DefaultTCPPorts(),
		UDPProbes:    []UDPProbe{SNMPProbe()},
		Rate:         defaultRate,
		Concurrency:  defaultConcurrency,
		PerHost:      defaultPerHost,
		Timeout:      defaultTimeout,
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
	if cfg.Retries == 0 {
		cfg.Retries = defaultRetries
	}
	cfg.Retries = max(cfg.Retries, 0)
	if cfg.HostDeadline <= 0 {
		cfg.HostDeadline = defaultHostDeadline
	}
	return cfg
}
