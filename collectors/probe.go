package collectors

import "github.com/mfpscan/mfpscan/facts"

// ProbeLog collects the probes[] records of one collector on one device:
// each request sent and what came back, and each request a rule depends on
// that was not sent, with why (issue 12: "answered no" differs from "never
// asked"). Not safe for concurrent use; a collector that probes in parallel
// records after its goroutines finish.
type ProbeLog struct {
	Collector string
	List      []facts.Probe
}

// NewProbeLog returns an empty log for collector.
func NewProbeLog(collector string) *ProbeLog { return &ProbeLog{Collector: collector} }

// Sent records a request; err is nil when a reply of the expected protocol
// came back, else what the request failed with.
func (l *ProbeLog) Sent(name string, port int, protocol string, err error) {
	st, reason := Classify(err)
	l.Status(name, port, protocol, st, reason)
}

// Status records a request from the collector status it ended in.
func (l *ProbeLog) Status(name string, port int, protocol string, st facts.Status, reason string) {
	l.List = append(l.List, facts.Probe{
		Collector: l.Collector, Name: name, Port: port, Protocol: protocol,
		Outcome: ProbeOutcome(st), Detail: reason,
	})
}

// NotSent records a request that was skipped, with the reason.
func (l *ProbeLog) NotSent(name string, port int, protocol, reason string) {
	l.List = append(l.List, facts.Probe{
		Collector: l.Collector, Name: name, Port: port, Protocol: protocol,
		Outcome: facts.ProbeNotSent, Detail: reason,
	})
}

// ProbeOutcome maps a collector status to a probe outcome: ok is an
// answer, a timeout no answer, a refusal (TCP RST, ICMP unreachable) or a
// closed port refused, an unreachable host no answer, a skip not sent, anything else an error.
func ProbeOutcome(st facts.Status) string {
	switch st {
	case facts.StatusOK, facts.StatusAuthRequired:
		return facts.ProbeAnswered
	case facts.StatusTimeout, facts.StatusFiltered:
		// Filtered is a host unreachable: nothing of the service came back.
		return facts.ProbeNoAnswer
	case facts.StatusRefused, facts.StatusClosed:
		return facts.ProbeRefused
	case facts.StatusSkipped:
		return facts.ProbeNotSent
	}
	return facts.ProbeError
}
