// Package collectors turns a discovered host into a facts document. Each
// protocol lives in its own sub-package; this package holds the contract they
// implement, the engine that runs them, and the registry that lists them.
package collectors

import (
	"context"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"time"

	"github.com/mfpscan/mfpscan/facts"
)

// Target is one host as discovery left it: its address and the ports found.
type Target struct {
	Addr  netip.Addr
	Ports []facts.Port
	// Hints are identity clues the sweep read from UDP replies (BJNP).
	Hints []facts.IdentityHint
	// Roles says which service each TCP port is expected to speak, so a lab
	// on shifted ports or a site with non-standard ports is still understood.
	Roles Roles
}

// OpenTCP returns the open TCP ports whose role is role, in port order.
func (t *Target) OpenTCP(role string) []int {
	var out []int
	for _, p := range t.Ports {
		if p.Protocol == "tcp" && p.State == "open" && t.Roles.TCP[p.Port] == role {
			out = append(out, p.Port)
		}
	}
	slices.Sort(out)
	return out
}

// RolePort is an open TCP port found by OpenTCPPair, with whether it has
// the secure one of the two roles.
type RolePort struct {
	Port   int
	Secure bool
}

// OpenTCPPair returns the open TCP ports of a plain role and of its TLS
// counterpart (http and https, ipp and ipps): the plain ones first, each
// group in port order, as collectors that speak both probe them.
func (t *Target) OpenTCPPair(plain, secure string) []RolePort {
	var out []RolePort
	for _, p := range t.OpenTCP(plain) {
		out = append(out, RolePort{Port: p})
	}
	for _, p := range t.OpenTCP(secure) {
		out = append(out, RolePort{Port: p, Secure: true})
	}
	return out
}

// Dialer opens connections on behalf of collectors. The engine owns it, so
// timeouts, per-host rate limits and source binding are enforced in one
// place; collectors never call net.Dial themselves.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// Options are the settings every collector may read.
type Options struct {
	// Timeout bounds one network exchange (a connect, a request, a reply).
	Timeout time.Duration
	// Communities are tried read-only, in order, after the well-known ones.
	// They are secrets: collectors record them as "custom-N", never by value.
	Communities []string
	// Secrets are further values (passwords, PINs) that must never appear
	// in facts or logs, redacted like Communities wherever a device echoes
	// them back.
	Secrets []string
	// CheckDefaultCredentials opts in to one login attempt per well-known
	// account per device.
	CheckDefaultCredentials bool
	// ProbePJL opts in to sending "@PJL INFO ID" on raw print ports.
	ProbePJL bool
	// Now is the clock used for certificate validity; tests pin it.
	Now func() time.Time
	// AdvisoryData is a newer advisory data file (--advisories), checked
	// before the scan starts; nil means the embedded data.
	AdvisoryData []byte
}

// Env is what a collector gets from the engine for one device.
type Env struct {
	Dialer  Dialer
	Options Options
	Log     *slog.Logger
}

// Collector gathers one protocol's facts about one device.
//
// Collect writes only the fields of out that its protocol owns and returns
// its status for the device. Protocol collectors run concurrently, each with
// its own out document, which the engine merges; they must not read facts
// other collectors produce. Analysers (see Analyser) run afterwards.
type Collector interface {
	Name() string
	Collect(ctx context.Context, env *Env, t *Target, out *facts.Device) facts.CollectorStatus
}

// Analyser runs after every Collector, on the merged document: fingerprint
// fusion, advisory matching, attestations, and checks that depend on what the
// protocol collectors found (credentials need the login form).
type Analyser interface {
	Name() string
	Analyse(ctx context.Context, env *Env, t *Target, doc *facts.Device) facts.CollectorStatus
}
