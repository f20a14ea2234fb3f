package collectors

import (
	"fmt"
	"time"

	"github.com/mfpscan/mfpscan/facts"
)

// ElapsedMS is the collector-status duration of a run that began at start.
func ElapsedMS(start time.Time) int64 { return time.Since(start).Milliseconds() }

// PortSummary turns the outcomes of a collector's ports into its one status:
// ok as soon as any port answered, since the facts of that port stand;
// otherwise the first failure, naming its port, so the report says where to
// look.
type PortSummary struct {
	start  time.Time
	status facts.CollectorStatus
}

// NewPortSummary starts timing a collector run.
func NewPortSummary() *PortSummary { return &PortSummary{start: time.Now()} }

// Add records the outcome of one port.
func (s *PortSummary) Add(port int, status facts.Status, reason string) {
	switch {
	case status == facts.StatusOK:
		s.status = facts.CollectorStatus{Status: facts.StatusOK}
	case s.status.Status == "":
		s.status = facts.CollectorStatus{Status: status, Reason: fmt.Sprintf("port %d: %s", port, reason)}
	}
}

// Status is the collector's status with the run's duration; none stands
// when no port was added (e.g. closed, no such port open).
func (s *PortSummary) Status(none facts.CollectorStatus) facts.CollectorStatus {
	st := s.status
	if st.Status == "" {
		st = none
	}
	st.DurationMS = ElapsedMS(s.start)
	return st
}
