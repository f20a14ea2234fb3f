package policies

import (
	"context"
	"fmt"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/mfpscan/mfpscan/facts"
)

// TestServiceRulesMatchTheirLists keeps each service rule's `services` list
// (what its review covers) and its deny bodies (written out per service, for
// speed) in step: every listed port, opened alone on a printer, must fail
// the rule with the listed label.
func TestServiceRulesMatchTheirLists(t *testing.T) {
	e := loadBuiltin(t)
	ctx := context.Background()
	checked := 0
	for _, ent := range e.enabled {
		rs, err := rego.New(rego.Query(fmt.Sprintf("x := %s.services", ent.q.Pkg)), rego.Compiler(e.compiler), rego.Store(e.store)).Eval(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 0 {
			continue // not a service rule
		}
		for _, s := range rs[0].Bindings["x"].([]any) {
			entry := s.([]any)
			port, proto, label := fmt.Sprint(entry[0]), entry[1].(string), entry[2].(string)
			var n int
			if _, err := fmt.Sscan(port, &n); err != nil {
				t.Fatal(err)
			}
			dev := device("192.0.2.1", func(d *facts.Device) {
				d.Collectors["discovery"] = facts.CollectorStatus{Status: facts.StatusOK}
				d.Ports = []facts.Port{{Port: 7, Protocol: "udp", State: "closed"}, {Port: n, Protocol: proto, State: "open"}}
			})
			r := resultFor(t, mustEval(t, e, dev), ent.rule.ID)
			want := fmt.Sprintf("%s open on %d/%s", label, n, proto)
			if r.Status != StatusFail || len(r.Findings) != 1 || r.Findings[0].Message != want {
				t.Errorf("%s with only %d/%s open: %s %+v, want one finding %q", ent.rule.ID, n, proto, r.Status, r.Findings, want)
			}
			checked++
		}
	}
	if checked < 10 {
		t.Fatalf("only %d listed services checked", checked)
	}
}
