package collectors

import (
	"testing"

	"github.com/mfpscan/mfpscan/facts"
)

func TestPortSummary(t *testing.T) {
	closed := facts.CollectorStatus{Status: facts.StatusClosed, Reason: "no open port"}
	type outcome struct {
		port   int
		status facts.Status
		reason string
	}
	tests := []struct {
		name     string
		outcomes []outcome
		want     facts.CollectorStatus
	}{
		{"no port", nil, closed},
		{"one ok", []outcome{{80, facts.StatusOK, ""}}, facts.CollectorStatus{Status: facts.StatusOK}},
		{"failure then ok", []outcome{{80, facts.StatusTimeout, "no answer"}, {443, facts.StatusOK, ""}}, facts.CollectorStatus{Status: facts.StatusOK}},
		{"ok then failure", []outcome{{80, facts.StatusOK, ""}, {443, facts.StatusError, "reset"}}, facts.CollectorStatus{Status: facts.StatusOK}},
		{"first failure named", []outcome{{80, facts.StatusTimeout, "no answer"}, {443, facts.StatusError, "reset"}},
			facts.CollectorStatus{Status: facts.StatusTimeout, Reason: "port 80: no answer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewPortSummary()
			for _, o := range tt.outcomes {
				s.Add(o.port, o.status, o.reason)
			}
			got := s.Status(closed)
			if got.DurationMS < 0 {
				t.Errorf("duration %d ms", got.DurationMS)
			}
			got.DurationMS = 0
			if got != tt.want {
				t.Errorf("status = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestOpenTCPPair(t *testing.T) {
	tgt := &Target{
		Ports: []facts.Port{
			{Port: 8443, Protocol: "tcp", State: "open"},
			{Port: 443, Protocol: "tcp", State: "open"},
			{Port: 80, Protocol: "tcp", State: "open"},
			{Port: 8000, Protocol: "tcp", State: "closed"},
			{Port: 631, Protocol: "tcp", State: "open"},
		},
		Roles: Roles{TCP: map[int]string{80: RoleHTTP, 8000: RoleHTTP, 443: RoleHTTPS, 8443: RoleHTTPS, 631: RoleIPP}},
	}
	got := tgt.OpenTCPPair(RoleHTTP, RoleHTTPS)
	want := []RolePort{{Port: 80}, {Port: 443, Secure: true}, {Port: 8443, Secure: true}}
	if len(got) != len(want) {
		t.Fatalf("OpenTCPPair = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("OpenTCPPair = %v, want %v", got, want)
			break
		}
	}
}
