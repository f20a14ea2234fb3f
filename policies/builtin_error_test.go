package policies

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

// TestBuiltinErrorGivesReview: a custom rule whose evaluation raises a
// builtin error (1/0, to_number("x") inside deny) gives review with the
// error, never pass, whichever evaluator runs. The compiled evaluator hands
// such a device to topdown, which is logged and counted.
func TestBuiltinErrorGivesReview(t *testing.T) {
	cases := []struct {
		name, body, want string
	}{
		{"divide by zero", `deny contains "ratio" if {
	n := count(input.ports)
	n / (n - n) > 1
}`, "divide by zero"},
		{"to_number", `deny contains "old" if {
	to_number(input.address) < 5
}`, "to_number"},
		{"host builtin", `deny contains "bad" if {
	x := json.unmarshal(input.address)
	x == 1
}`, "json.unmarshal"},
	}
	for _, tc := range cases {
		for _, ev := range []string{EvaluatorTopdown, EvaluatorCompiled} {
			t.Run(tc.name+"/"+ev, func(t *testing.T) {
				p := writeProbe(t, sandboxMeta+"package org.errs\n\n"+tc.body+"\n")
				var logs bytes.Buffer
				e, err := Load(context.Background(), Options{
					NoBuiltin: true, Policies: []string{p}, Evaluator: ev,
					Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
				})
				if err != nil {
					t.Fatal(err)
				}
				if e.Evaluator() != ev {
					t.Fatalf("evaluator %s, want %s", e.Evaluator(), ev)
				}
				rs, err := e.Evaluate(context.Background(), device("192.0.2.1", openPort(80)))
				if err != nil {
					t.Fatal(err)
				}
				if len(rs) != 1 || rs[0].Status != StatusReview {
					t.Fatalf("results = %+v, want one review", rs)
				}
				if r := strings.Join(rs[0].Reasons, " "); !strings.Contains(r, tc.want) {
					t.Errorf("reasons = %q, want the error (%s)", r, tc.want)
				}
				fallbacks := e.Stats().CompiledFallbacks
				if ev == EvaluatorCompiled {
					if fallbacks != 1 {
						t.Errorf("compiled fallbacks = %d, want 1", fallbacks)
					}
					if l := logs.String(); !strings.Contains(l, "fell back to topdown") || !strings.Contains(l, "reason=") {
						t.Errorf("debug log = %q, want the fallback with its reason", l)
					}
				} else if fallbacks != 0 {
					t.Errorf("topdown: fallbacks = %d, want 0", fallbacks)
				}
			})
		}
	}
}
