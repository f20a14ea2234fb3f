package policies

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/mfpscan/mfpscan/policies/internal/query"
)

func FuzzParseDataFile(f *testing.F) {
	files, _ := filepath.Glob("testdata/data/*")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(filepath.Ext(p) == ".json", b)
	}
	f.Add(false, []byte("a: &x [*x]\n"))
	f.Fuzz(func(t *testing.T, asJSON bool, raw []byte) {
		name := "fuzz.yaml"
		if asJSON {
			name = "fuzz.json"
		}
		doc, err := parseDataFile(name, raw)
		if err != nil {
			return
		}
		if doc == nil {
			t.Fatal("nil document without error")
		}
		// Whatever parses must be usable as override data.
		if _, err := ruleConfig(doc); err != nil {
			return
		}
	})
}

// FuzzEvaluateJSON feeds arbitrary facts documents to the engine: garbage
// must give an error or results, never a panic or a hang.
func FuzzEvaluateJSON(f *testing.F) {
	e, err := Load(context.Background(), Options{NoBuiltin: true, Policies: []string{"testdata/rules"},
		Now: func() time.Time { return fixedNow }})
	if err != nil {
		f.Fatal(err)
	}
	for _, d := range fleet(4) {
		b, err := json.Marshal(d)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"address": 5, "snmp": "x", "ports": {"a": 1}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		rs, err := e.EvaluateJSON(ctx, raw)
		if err != nil {
			return
		}
		if len(rs) != 2 {
			t.Fatalf("%d results, want one per rule (2)", len(rs))
		}
	})
}

// BenchmarkEvaluatePerRuleQuery measures the alternative to the single
// catalogue query: one prepared query per rule, evaluated in turn. Compare
// with BenchmarkEvaluate.
func BenchmarkEvaluatePerRuleQuery(b *testing.B) {
	ctx := context.Background()
	e, err := Load(ctx, Options{})
	if err != nil {
		b.Fatal(err)
	}
	queries := make([]rego.PreparedEvalQuery, len(e.enabled))
	for i, ent := range e.enabled {
		pq, err := rego.New(rego.Query(query.Build([]*query.Rule{&ent.q}).Text), rego.Compiler(e.compiler), rego.Store(e.store)).PrepareForEval(ctx)
		if err != nil {
			b.Fatal(err)
		}
		queries[i] = pq
	}
	docs := fleet(64)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		raw, err := json.Marshal(docs[i%len(docs)])
		if err != nil {
			b.Fatal(err)
		}
		v, err := ast.ValueFromReader(bytes.NewReader(raw))
		if err != nil {
			b.Fatal(err)
		}
		for _, pq := range queries {
			if _, err := pq.Eval(ctx, rego.EvalParsedInput(v)); err != nil {
				b.Fatal(err)
			}
		}
	}
}
