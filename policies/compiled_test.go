package policies

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfile"
)

// TestCompiledMatchesTopdown evaluates generated and hand-made documents
// with the compiled catalogue and with OPA's topdown evaluator; every
// result must be identical, down to the order of findings.
func TestCompiledMatchesTopdown(t *testing.T) {
	compiled := loadBuiltin(t)
	if got := compiled.Evaluator(); got != EvaluatorCompiled {
		t.Fatalf("built-in catalogue evaluator = %s, want %s: it no longer compiles to wasm", got, EvaluatorCompiled)
	}
	topdown, err := Load(context.Background(), Options{Now: func() time.Time { return fixedNow }, Evaluator: EvaluatorTopdown})
	if err != nil {
		t.Fatal(err)
	}
	if got := topdown.Evaluator(); got != EvaluatorTopdown {
		t.Fatalf("evaluator = %s, want %s", got, EvaluatorTopdown)
	}
	docs := append(testfile.Devices(t, inputFixture), fleet(16)...)
	for _, dev := range docs {
		raw := mustJSON(t, dev)
		want := mustEvalJSON(t, topdown, raw)
		if got := mustEvalJSON(t, compiled, raw); !cmp.Equal(got, want) {
			t.Fatalf("%s: compiled differs from topdown:\n%s", dev.Address, cmp.Diff(want, got))
		}
		if got := mustEval(t, compiled, dev); !cmp.Equal(got, want) {
			t.Fatalf("%s: Evaluate differs from EvaluateJSON:\n%s", dev.Address, cmp.Diff(want, got))
		}
	}
}

// TestCompiledFallsBackToTopdown: where the compiled policy stops (here a
// conflict between two values of a complete rule), the device is evaluated
// by topdown, which isolates the broken rule and reports it.
func TestCompiledFallsBackToTopdown(t *testing.T) {
	dir := t.TempDir()
	writePolicy(t, dir, "clash", "TEST-CLASH-001", `label := "a" if input.address
label := "b" if input.address

review contains label
`)
	writePolicy(t, dir, "telnet", "TEST-CLASH-002", `deny contains "telnet open" if {
	some p in input.ports
	p.port == 23
}
`)
	var ruleErrs []RuleError
	e := loadFixture(t, Options{Policies: []string{dir}, Evaluator: EvaluatorCompiled, OnRuleError: func(re RuleError) { ruleErrs = append(ruleErrs, re) }})
	rs := mustEval(t, e, device("192.0.2.1", openPort(23)))
	if got := statusOf(rs, "TEST-CLASH-001"); got != StatusReview || len(ruleErrs) != 1 || ruleErrs[0].RuleID != "TEST-CLASH-001" {
		t.Errorf("conflicting rule: status %s, rule errors %v; want review and one error for it", got, ruleErrs)
	}
	if got := statusOf(rs, "TEST-CLASH-002"); got != StatusFail {
		t.Errorf("other rule = %s, want fail", got)
	}
}

func TestEvaluatorOption(t *testing.T) {
	_, err := Load(context.Background(), Options{NoBuiltin: true, Policies: []string{"testdata/rules"}, Evaluator: "jit"})
	if err == nil || !strings.Contains(err.Error(), `unknown evaluator "jit"`) {
		t.Errorf("Load = %v, want an unknown-evaluator error", err)
	}
	e := loadFixture(t, Options{Evaluator: EvaluatorTopdown})
	if e.Evaluator() != EvaluatorTopdown || e.compiled != nil {
		t.Errorf("evaluator = %s, want %s only", e.Evaluator(), EvaluatorTopdown)
	}
	if _, err := e.Evaluate(context.Background(), device("192.0.2.9", func(d *facts.Device) {})); err != nil {
		t.Fatal(err)
	}
}

// TestEvaluateAllEncoded: given each document's indented JSON, as eval
// passes its facts-file texts, the results are EvaluateAll's.
func TestEvaluateAllEncoded(t *testing.T) {
	eng := loadBuiltin(t)
	docs := append(testfile.Devices(t, inputFixture), fleet(16)...)
	encoded := make([][]byte, len(docs))
	for i, d := range docs {
		b, err := json.MarshalIndent(d, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		encoded[i] = append(b, '\n')
	}
	encoded[3] = nil // no text: the document is encoded
	want, err := eng.EvaluateAll(context.Background(), docs, 2)
	if err != nil {
		t.Fatal(err)
	}
	got, err := eng.EvaluateAllEncoded(context.Background(), docs, encoded, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 || !cmp.Equal(got, want) {
		t.Fatalf("EvaluateAllEncoded differs from EvaluateAll:\n%s", cmp.Diff(want, got))
	}
	if _, err := eng.EvaluateAllEncoded(context.Background(), docs, encoded[1:], 2); err == nil {
		t.Error("encodings of another length accepted")
	}
}
