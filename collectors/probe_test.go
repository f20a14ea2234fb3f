package collectors

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/mfpscan/mfpscan/facts"
)

func TestProbeLog(t *testing.T) {
	l := NewProbeLog("http")
	l.Sent("GET /", 80, "tcp", nil)
	l.Sent("GET /a", 80, "tcp", fmt.Errorf("get /a: %w", context.DeadlineExceeded))
	l.Sent("GET /b", 80, "tcp", fmt.Errorf("dial: %w", syscall.ECONNREFUSED))
	l.Sent("GET /c", 80, "tcp", errors.New("malformed"))
	l.NotSent("GET /d", 80, "tcp", "no markers")
	l.Status("GET /e", 80, "tcp", facts.StatusFiltered, "unreachable")
	want := []string{facts.ProbeAnswered, facts.ProbeNoAnswer, facts.ProbeRefused, facts.ProbeError, facts.ProbeNotSent, facts.ProbeNoAnswer}
	if len(l.List) != len(want) {
		t.Fatalf("%d records, want %d", len(l.List), len(want))
	}
	for i, p := range l.List {
		if p.Outcome != want[i] || p.Collector != "http" || p.Port != 80 || p.Protocol != "tcp" {
			t.Errorf("record %d = %+v, want outcome %s", i, p, want[i])
		}
	}
	if l.List[3].Detail != "malformed" || l.List[4].Detail != "no markers" || l.List[0].Detail != "" {
		t.Errorf("details %q %q %q", l.List[0].Detail, l.List[3].Detail, l.List[4].Detail)
	}
}
