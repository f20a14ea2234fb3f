package policies

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfile"
	"github.com/mfpscan/mfpscan/policies/internal/input"
	"github.com/mfpscan/mfpscan/policies/internal/query"
)

// TestAliasSource checks which compiled rules count as copies of another
// document: only `S contains x if some x in <ground data ref>`, alone.
func TestAliasSource(t *testing.T) {
	tests := []struct {
		name, rule string
		want       string // source ref, or "" when not a copy
	}{
		{"some in", `not_applicable contains r if some r in data.lib.na`, "data.lib.na"},
		{"iteration", `not_applicable contains r if data.lib.na[_] = r`, "data.lib.na"},
		{"nested ref", `review contains r if some r in data.lib.sets.tls`, "data.lib.sets.tls"},
		{"input ref", `not_applicable contains r if some r in input.reasons`, ""},
		{"second expression", `not_applicable contains r if { some r in data.lib.na; r != "x" }`, ""},
		{"negated", `not_applicable contains "x" if not data.lib.na["x"]`, ""},
		{"constant head", `not_applicable contains "x" if data.lib.na[_]`, ""},
		{"key iteration", `not_applicable contains k if some k, _ in data.lib.obj`, ""},
		{"with", `not_applicable contains r if { some r in data.lib.na with input as {} }`, ""},
		{"variable path", `not_applicable contains r if { some k; r := data.lib.by[k][_] }`, ""},
		{"complete rule", `not_applicable := {r | some r in data.lib.na}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lib := "package lib\n\nna contains \"n\" if false\n\nsets := {\"tls\": {\"t\"}}\n\nobj := {\"a\": 1}\n\nby := {\"a\": [\"b\"]}\n"
			c := ast.MustCompileModulesWithOpts(map[string]string{
				"lib.rego":  lib,
				"rule.rego": "package rule\n\n" + tt.rule + "\n",
			}, ast.CompileOpts{ParserOptions: ast.ParserOptions{RegoVersion: ast.RegoV1}})
			var got string
			for _, r := range c.Modules["rule.rego"].Rules {
				if src, ok := query.AliasSource(r); ok {
					got = src.String()
				}
			}
			if got != tt.want {
				t.Errorf("aliasSource = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestQuerySharedSets covers rules whose first set copies shared documents:
// a union of two sources, a source shared with another definition, a later
// set that is itself a copy, and the status order within a group.
func TestQuerySharedSets(t *testing.T) {
	dir := t.TempDir()
	lib := `package org.zlib

na contains "not a printer" if input.identity.is_printer == false

na_tls contains "no tls" if count(object.get(input, "tls", [])) == 0

review_tls contains "tls unknown" if not input.tls
`
	if err := os.WriteFile(filepath.Join(dir, "zlib.rego"), []byte(lib), 0o644); err != nil {
		t.Fatal(err)
	}
	// Three rules share lib.na, one adds lib.na_tls; one conflicts in its
	// review set whenever that set is evaluated.
	writePolicy(t, dir, "telnet", "TEST-SHARE-001", `import data.org.zlib

not_applicable contains r if some r in zlib.na

deny contains "telnet open" if {
	some p in input.ports
	p.port == 23
}
`)
	writePolicy(t, dir, "tlsmin", "TEST-SHARE-002", `import data.org.zlib

not_applicable contains r if some r in zlib.na

not_applicable contains r if some r in zlib.na_tls

deny contains "tls 1.0" if {
	some s in input.tls
	s.versions.tls1_0 == true
}

review contains r if some r in zlib.review_tls
`)
	writePolicy(t, dir, "conflict", "TEST-SHARE-003", `import data.org.zlib

not_applicable contains r if some r in zlib.na

deny contains "ftp open" if {
	some p in input.ports
	p.port == 21
}

label := "a" if input.address
label := "b" if input.address

review contains label
`)
	var ruleErrs []RuleError
	e := loadFixture(t, Options{NoBuiltin: true, Policies: []string{dir}, OnRuleError: func(re RuleError) { ruleErrs = append(ruleErrs, re) }})
	if n := len(e.query.plan.Sets); n != 3 {
		t.Fatalf("plan covers %d rules, want 3", n)
	}
	tls10 := func(d *facts.Device) {
		d.TLS = []facts.TLSService{{Port: 443, Status: "ok", Versions: map[string]bool{"tls1_0": true}}}
	}
	notPrinter := func(d *facts.Device) { d.Identity.IsPrinter = facts.Bool(false) }
	tests := []struct {
		name string
		dev  *facts.Device
		want map[string]Status
		errs int
	}{
		{"not a printer", device("192.0.2.1", notPrinter),
			map[string]Status{"TEST-SHARE-001": StatusNotApplicable, "TEST-SHARE-002": StatusNotApplicable, "TEST-SHARE-003": StatusNotApplicable}, 0},
		{"printer with telnet, ftp and tls 1.0", device("192.0.2.2", func(d *facts.Device) { openPort(23)(d); openPort(21)(d); tls10(d) }),
			map[string]Status{"TEST-SHARE-001": StatusFail, "TEST-SHARE-002": StatusFail, "TEST-SHARE-003": StatusFail}, 0},
		{"printer without tls", device("192.0.2.3", func(d *facts.Device) { openPort(21)(d); d.TLS = nil }),
			map[string]Status{"TEST-SHARE-001": StatusPass, "TEST-SHARE-002": StatusNotApplicable, "TEST-SHARE-003": StatusFail}, 0},
		{"printer where the conflicting review decides", device("192.0.2.4", tls10),
			map[string]Status{"TEST-SHARE-001": StatusPass, "TEST-SHARE-002": StatusFail, "TEST-SHARE-003": StatusReview}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ruleErrs = nil
			rs, err := e.Evaluate(context.Background(), tt.dev)
			if err != nil {
				t.Fatal(err)
			}
			for id, want := range tt.want {
				if got := statusOf(rs, id); got != want {
					t.Errorf("%s = %s, want %s", id, got, want)
				}
			}
			if len(ruleErrs) != tt.errs {
				t.Errorf("%d rule errors, want %d: %v", len(ruleErrs), tt.errs, ruleErrs)
			}
			if tt.errs > 0 {
				return
			}
			if want := naiveResults(t, e, tt.dev); !cmp.Equal(rs, want) {
				t.Errorf("results differ from the plain per-set query:\n%s", cmp.Diff(want, rs))
			}
		})
	}
	if r := resultFor(t, mustEval(t, e, device("192.0.2.5", func(d *facts.Device) { d.TLS = nil; notPrinter(d) })), "TEST-SHARE-002"); !cmp.Equal(r.Reasons, []string{"no tls", "not a printer"}) {
		t.Errorf("union of shared sets: reasons %q", r.Reasons)
	}
}

// TestQueryMatchesPlainSets evaluates the built-in catalogue on generated
// documents both through the catalogue query (shared sets, groups, status
// order) and through one plain query per rule that reads every set of the
// package as it is; the results must be identical.
func TestQueryMatchesPlainSets(t *testing.T) {
	e := loadBuiltin(t)
	docs := append(testfile.Devices(t, inputFixture), fleet(16)...)
	for _, dev := range docs {
		got := mustEval(t, e, dev)
		if want := naiveResults(t, e, dev); !cmp.Equal(got, want) {
			t.Fatalf("%s: results differ from the plain per-set query:\n%s", dev.Address, cmp.Diff(want, got))
		}
	}
}

// loadBuiltin loads the embedded catalogue with its default data.
func loadBuiltin(t *testing.T) *Engine {
	t.Helper()
	e, err := Load(context.Background(), Options{Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return e
}

func mustEval(t *testing.T, e *Engine, dev *facts.Device) []Result {
	t.Helper()
	rs, err := e.Evaluate(context.Background(), dev)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// mustEvalJSON is mustEval on a document as JSON.
func mustEvalJSON(t *testing.T, e *Engine, doc []byte) []Result {
	t.Helper()
	rs, err := e.EvaluateJSON(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// naiveResults evaluates each rule's sets one query at a time, with no
// sharing, in status order until one is non-empty, and maps them to results
// as the engine does.
func naiveResults(t *testing.T, e *Engine, dev *facts.Device) []Result {
	t.Helper()
	ctx := context.Background()
	in, err := input.Value(dev)
	if err != nil {
		t.Fatal(err)
	}
	var out []Result
	for _, ent := range e.enabled {
		var sets ruleSets
		for k, set := range resultSets {
			if k > 0 && sets[k-1].len() > 0 {
				break
			}
			q := fmt.Sprintf("x := [e | some e in %s]", ent.q.Pkg.Append(ast.StringTerm(set)))
			rs, err := rego.New(rego.Query(q), rego.Compiler(e.compiler), rego.Store(e.store), rego.ParsedInput(in)).Eval(ctx)
			if err != nil {
				t.Fatalf("%s %s: %v", ent.rule.ID, set, err)
			}
			if len(rs) == 1 {
				for _, v := range rs[0].Bindings["x"].([]any) {
					sets[k].terms = append(sets[k].terms, ast.NewTerm(ast.MustInterfaceToValue(v)))
				}
			}
		}
		out = append(out, e.result(ent.rule, sets, keyOf(dev)))
	}
	return e.finish(out)
}
