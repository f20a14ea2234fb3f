package collectors

import (
	"context"
	"fmt"

	"github.com/mfpscan/mfpscan/facts"
)

// VisitFunc collects one open port of a PortPairCollector into out, logging
// every request it sends, and returns the port's status.
type VisitFunc func(ctx context.Context, env *Env, t *Target, p RolePort, log *ProbeLog, out *facts.Device) (facts.Status, string)

// PortPairCollector is the shape of a collector that speaks one protocol in
// a plain and a TLS form (http and https, ipp and ipps): it visits each open
// port of either role once, plain ports first, records the probes each
// visit sent, and folds the ports' statuses into its own (closed when no
// port of either role is open).
type PortPairCollector struct {
	name, plain, secure string
	visit               VisitFunc
}

// NewPortPairCollector returns the collector name visiting the ports of the
// plain and secure roles with visit.
func NewPortPairCollector(name, plain, secure string, visit VisitFunc) PortPairCollector {
	return PortPairCollector{name: name, plain: plain, secure: secure, visit: visit}
}

// Name implements Collector.
func (c PortPairCollector) Name() string { return c.name }

// Collect implements Collector.
func (c PortPairCollector) Collect(ctx context.Context, env *Env, t *Target, out *facts.Device) facts.CollectorStatus {
	summary := NewPortSummary()
	log := NewProbeLog(c.name)
	for _, p := range t.OpenTCPPair(c.plain, c.secure) {
		st, reason := c.visit(ctx, env, t, p, log, out)
		summary.Add(p.Port, st, reason)
	}
	out.Probes = append(out.Probes, log.List...)
	return summary.Status(facts.CollectorStatus{Status: facts.StatusClosed, Reason: fmt.Sprintf("no open %s or %s port", c.plain, c.secure)})
}
