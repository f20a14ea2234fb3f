// Package nopass is the generated "no pass without evidence" property:
// a facts document that knows less (one fact deleted or null, or a whole
// area gone) must never turn a rule's fail or review into pass. Tests of
// the policies (testdata documents) and of the pipeline (live lab facts)
// share it, so a new rule or a new fact is covered without a new case.
//
// It does not import the policies package (whose own tests use it); the
// caller passes an evaluation function.
package nopass

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Statuses maps rule ID → status ("pass", "fail", "review", ...).
type Statuses map[string]string

// Eval evaluates one facts document.
type Eval func(doc []byte) (Statuses, error)

// EvalWith makes an Eval of an engine's JSON evaluation; status names each
// result's rule and status. Generic because the results' type lives in the
// policies package, which this one cannot import.
func EvalWith[R any](ctx context.Context, evaluate func(context.Context, []byte) ([]R, error), status func(R) (rule, status string)) Eval {
	return func(doc []byte) (Statuses, error) {
		rs, err := evaluate(ctx, doc)
		if err != nil {
			return nil, err
		}
		st := Statuses{}
		for _, r := range rs {
			rule, s := status(r)
			st[rule] = s
		}
		return st, nil
	}
}

// Variant is a facts document with less knowledge than the original.
type Variant struct {
	// Name says what was removed: "delete /snmp/v1", "null /snmp/v1",
	// "area snmp".
	Name string
	Doc  []byte
	// Area is set for whole-area removals.
	Area string
}

// Areas maps each area of the facts to the collector that fills it; when
// an area is removed its collector is recorded as timed out, as the
// pipeline records a collector that ran out of time.
var Areas = map[string]string{
	"tls":       "tls",
	"snmp":      "snmp",
	"remote_ui": "http",
	"ipp":       "ipp",
	"firmware":  "advisories",
	"ports":     "discovery",
}

// Exempt lists pointers whose deletion does not mean "unknown", with the
// reason. Keep it short: each entry is a place where absence has a
// documented meaning other than "not collected".
var Exempt = map[string]string{
	// The schema's marker of a sweep that finished: absent means the sweep
	// completed (scan.incomplete is written only when true).
	"/scan/incomplete": "absence means the sweep completed",
}

// FactVariants returns, for every object member of the document at any
// depth (array elements are descended into, never removed: removing an
// entry from a list states that it does not exist), one document with the
// member deleted and one with it set to null.
func FactVariants(raw []byte) ([]Variant, error) {
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("decode facts document: %w", err)
	}
	var paths [][]string
	walk(doc, nil, &paths)
	var out []Variant
	for _, p := range paths {
		ptr := pointer(p)
		if _, ok := Exempt[ptr]; ok {
			continue
		}
		for _, op := range []string{"delete", "null"} {
			var d any
			if err := json.Unmarshal(raw, &d); err != nil {
				return nil, fmt.Errorf("decode facts document: %w", err)
			}
			if op == "null" && isNull(get(d, p)) {
				continue
			}
			set(d, p, op == "delete")
			b, err := json.Marshal(d)
			if err != nil {
				return nil, fmt.Errorf("encode variant: %w", err)
			}
			out = append(out, Variant{Name: op + " " + ptr, Doc: b})
		}
	}
	return out, nil
}

// AreaVariants returns one document per area the document has, with the
// area removed and its collector marked timed out.
func AreaVariants(raw []byte) ([]Variant, error) {
	var out []Variant
	for _, area := range slices.Sorted(maps.Keys(Areas)) {
		var d map[string]any
		if err := json.Unmarshal(raw, &d); err != nil {
			return nil, fmt.Errorf("decode facts document: %w", err)
		}
		delete(d, area)
		if area == "remote_ui" {
			delete(d, "http") // the Remote UI is fused from the http ports
		}
		cs, _ := d["collectors"].(map[string]any)
		if cs == nil {
			cs = map[string]any{}
			d["collectors"] = cs
		}
		cs[Areas[area]] = map[string]any{"status": "timeout", "reason": "area removed by the no-pass property test"}
		b, err := json.Marshal(d)
		if err != nil {
			return nil, fmt.Errorf("encode variant: %w", err)
		}
		out = append(out, Variant{Name: "area " + area, Doc: b, Area: area})
	}
	return out, nil
}

// Violation is one rule that passed on less evidence.
type Violation struct {
	Variant string
	Rule    string
	Before  string
}

func (v Violation) String() string {
	return fmt.Sprintf("%s: %s went %s → pass", v.Variant, v.Rule, v.Before)
}

// Check evaluates raw and every variant of it. A rule that failed or was
// in review on raw must not pass on a fact variant; a rule that reads an
// area (ruleFacts lists the JSON pointers each rule declares) must not
// pass when that area is removed. It returns the violations and the
// number of rule × variant cases compared. eval must be safe for
// concurrent use: variants are evaluated on every CPU.
func Check(raw []byte, eval Eval, ruleFacts map[string][]string) ([]Violation, int, error) {
	before, err := eval(raw)
	if err != nil {
		return nil, 0, fmt.Errorf("evaluate original: %w", err)
	}
	facts, err := FactVariants(raw)
	if err != nil {
		return nil, 0, err
	}
	areas, err := AreaVariants(raw)
	if err != nil {
		return nil, 0, err
	}
	variants := append(facts, areas...)
	afters := make([]Statuses, len(variants))
	errs := make([]error, len(variants))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				afters[i], errs[i] = eval(variants[i].Doc)
			}
		}()
	}
	for i := range variants {
		next <- i
	}
	close(next)
	wg.Wait()
	var out []Violation
	cases := 0
	for i, v := range variants {
		if errs[i] != nil {
			return nil, 0, fmt.Errorf("evaluate %s: %w", v.Name, errs[i])
		}
		after := afters[i]
		if v.Area == "" {
			for rule, b := range before {
				if b != "fail" && b != "review" && b != "related" {
					continue
				}
				cases++
				if after[rule] == "pass" {
					out = append(out, Violation{Variant: v.Name, Rule: rule, Before: b})
				}
			}
			continue
		}
		for rule, fs := range ruleFacts {
			if !readsArea(fs, v.Area) {
				continue
			}
			cases++
			if after[rule] == "pass" {
				out = append(out, Violation{Variant: v.Name, Rule: rule, Before: before[rule]})
			}
		}
	}
	slices.SortFunc(out, func(a, b Violation) int { return strings.Compare(a.String(), b.String()) })
	return out, cases, nil
}

func readsArea(facts []string, area string) bool {
	for _, f := range facts {
		if f == "/"+area || strings.HasPrefix(f, "/"+area+"/") {
			return true
		}
	}
	return false
}

func walk(v any, path []string, out *[][]string) {
	switch t := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(t)) {
			p := append(slices.Clone(path), k)
			*out = append(*out, p)
			walk(t[k], p, out)
		}
	case []any:
		for i, e := range t {
			walk(e, append(slices.Clone(path), fmt.Sprint(i)), out)
		}
	}
}

func get(v any, path []string) any {
	for _, k := range path {
		switch t := v.(type) {
		case map[string]any:
			v = t[k]
		case []any:
			var i int
			fmt.Sscan(k, &i)
			v = t[i]
		default:
			return nil
		}
	}
	return v
}

func isNull(v any) bool { return v == nil }

// set deletes the member at path, or sets it to null.
func set(root any, path []string, del bool) {
	parent := get(root, path[:len(path)-1]).(map[string]any)
	last := path[len(path)-1]
	if del {
		delete(parent, last)
		return
	}
	parent[last] = nil
}

// pointer renders a path as a JSON Pointer (RFC 6901).
func pointer(path []string) string {
	var b strings.Builder
	for _, p := range path {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(p))
	}
	return b.String()
}

// CheckAll runs Check over every named document, reporting each violation,
// and a document that cannot be evaluated, as an error of t under the
// document's name. It returns the number of rule × variant cases compared.
func CheckAll(t testing.TB, docs map[string][]byte, eval Eval, ruleFacts map[string][]string) int {
	t.Helper()
	total := 0
	for _, name := range slices.Sorted(maps.Keys(docs)) {
		violations, cases, err := Check(docs[name], eval, ruleFacts)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		total += cases
		for _, v := range violations {
			t.Errorf("%s: %s", name, v)
		}
	}
	return total
}
