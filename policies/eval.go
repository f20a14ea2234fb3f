package policies

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/mfpscan/mfpscan/facts"
)

// outVar is the query variable holding every rule's sets.
const outVar = "out"

// prepare builds and prepares the single query that returns, for every
// enabled rule, the elements of its not_applicable, deny and review sets.
// One query for the whole catalogue means one evaluation per device.
func (e *Engine) prepare(ctx context.Context) error {
	pq, err := e.prepareQuery(ctx, e.enabled)
	if err != nil {
		var astErrs ast.Errors
		if errors.As(err, &astErrs) {
			return compileError("prepare policy query", astErrs)
		}
		return fmt.Errorf("prepare policy query: %w", err)
	}
	e.query = pq
	return nil
}

func (e *Engine) prepareQuery(ctx context.Context, rules []*ruleEntry) (rego.PreparedEvalQuery, error) {
	return rego.New(
		rego.Query(buildQuery(rules)),
		rego.Compiler(e.compiler),
		rego.Store(e.store),
		rego.GenerateJSON(keepTerm),
	).PrepareForEval(ctx)
}

// keepTerm hands the query's result over as an OPA term: result converts
// only the elements that decide a status to Go values, instead of OPA
// converting every set (a large share of the allocations per device).
func keepTerm(t *ast.Term, _ *rego.EvalContext) (any, error) { return t, nil }

// buildQuery writes the query binding outVar to a one-element array holding,
// per rule (in the order given), the array [not_applicable, deny, review] of
// that rule's set elements. The comprehensions keep a package that lacks a
// set (or whose set is undefined) from making the whole query undefined.
// Everything sits in one outer comprehension so that OPA reports one
// expression and one binding, not one per set.
//
// A rule's sets are evaluated in status order and a set is only evaluated
// while every earlier one is empty: result gives a not-applicable rule no
// findings and a failing rule no review reasons, so the later sets could not
// change any result. The sets that are evaluated are evaluated in full. A
// side effect: an evaluation error in a skipped set (e.g. a conflict in the
// review set of a failing rule) is no longer reported, since that set is
// never evaluated.
func buildQuery(rules []*ruleEntry) string {
	var body, tuple strings.Builder
	for i, ent := range rules {
		if i > 0 {
			tuple.WriteString(", ")
		}
		tuple.WriteString("[")
		var earlier []string
		for k, set := range resultSets {
			if k > 0 {
				tuple.WriteString(", ")
			}
			if !ent.sets[set] {
				tuple.WriteString("[]")
				continue
			}
			v := fmt.Sprintf("%c%d", set[0], i)
			tuple.WriteString(v)
			ref := ent.pkg.Append(ast.StringTerm(set))
			if len(earlier) == 0 && ent.partial[set] {
				fmt.Fprintf(&body, "%s := %s; ", v, ref)
				earlier = append(earlier, v)
				continue
			}
			fmt.Fprintf(&body, "%s := [x | ", v)
			for _, prev := range earlier {
				fmt.Fprintf(&body, "count(%s) == 0; ", prev)
			}
			fmt.Fprintf(&body, "some x in %s]; ", ref)
			earlier = append(earlier, v)
		}
		tuple.WriteString("]")
	}
	return fmt.Sprintf("%s := [sets | %ssets := [%s]]", outVar, body.String(), tuple.String())
}

// ruleSets are one rule's set elements, indexed like resultSets.
type ruleSets [3][]*ast.Term

// deviceKey is what results and waiver selectors need from a document.
type deviceKey struct {
	Address  string
	DeviceID string
	Serial   string
	Model    string
}

func keyOf(d *facts.Device) deviceKey {
	k := deviceKey{Address: d.Address, DeviceID: d.Identity.DeviceID}
	if d.Identity.Serial != nil {
		k.Serial = d.Identity.Serial.Value
	}
	if d.Identity.Model != nil {
		k.Model = d.Identity.Model.Value
	}
	return k
}

// Evaluate runs every enabled rule on one device and returns one result per
// rule, sorted by rule id. It is safe for concurrent use.
func (e *Engine) Evaluate(ctx context.Context, dev *facts.Device) ([]Result, error) {
	if dev == nil {
		return nil, errors.New("evaluate: nil device")
	}
	raw, err := json.Marshal(dev)
	if err != nil {
		return nil, fmt.Errorf("encode facts document: %w", err)
	}
	return e.evaluate(ctx, raw, keyOf(dev))
}

// EvaluateJSON is Evaluate for an encoded facts document, e.g. a saved
// facts/<address>.json.
func (e *Engine) EvaluateJSON(ctx context.Context, doc []byte) ([]Result, error) {
	var dev facts.Device
	if err := json.Unmarshal(doc, &dev); err != nil {
		return nil, fmt.Errorf("decode facts document: %w", err)
	}
	return e.evaluate(ctx, doc, keyOf(&dev))
}

func (e *Engine) evaluate(ctx context.Context, raw []byte, key deviceKey) ([]Result, error) {
	input, err := ast.ValueFromReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("parse facts document: %w", err)
	}
	out, err := evalQuery(ctx, e.query, input, len(e.enabled))
	if err != nil {
		if cerr := ctx.Err(); cerr != nil || topdown.IsCancel(err) {
			return nil, fmt.Errorf("evaluate policies on %s: %w", key.Address, errors.Join(cerr, err))
		}
		// One rule broke the whole query; find it and keep the others.
		return e.evaluateEachRule(ctx, input, key)
	}
	results := make([]Result, 0, len(e.enabled))
	for i, ent := range e.enabled {
		results = append(results, e.result(ent.rule, out[i], key))
	}
	sort.Slice(results, func(i, j int) bool { return results[i].RuleID < results[j].RuleID })
	return results, nil
}

// evalQuery runs a query built by buildQuery for n rules and returns each
// rule's sets.
func evalQuery(ctx context.Context, pq rego.PreparedEvalQuery, input ast.Value, n int) ([]ruleSets, error) {
	rs, err := pq.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return nil, err
	}
	if len(rs) != 1 {
		return nil, fmt.Errorf("query returned %d results, want 1", len(rs))
	}
	t, _ := rs[0].Bindings[outVar].(*ast.Term)
	if t == nil {
		return nil, fmt.Errorf("query returned %T, want a term", rs[0].Bindings[outVar])
	}
	wrap, ok := t.Value.(*ast.Array)
	if !ok || wrap.Len() != 1 {
		return nil, fmt.Errorf("query returned %v, want a one-element array", t)
	}
	rules, ok := wrap.Elem(0).Value.(*ast.Array)
	if !ok || rules.Len() != n {
		return nil, fmt.Errorf("query returned %v, want %d rules", wrap.Elem(0), n)
	}
	out := make([]ruleSets, n)
	for i := range n {
		sets, ok := rules.Elem(i).Value.(*ast.Array)
		if !ok || sets.Len() != len(resultSets) {
			return nil, fmt.Errorf("query returned %v for rule %d, want %d sets", rules.Elem(i), i, len(resultSets))
		}
		for k := range resultSets {
			switch elems := sets.Elem(k).Value.(type) {
			case *ast.Array:
				out[i][k] = make([]*ast.Term, elems.Len())
				for j := range elems.Len() {
					out[i][k][j] = elems.Elem(j)
				}
			case ast.Set:
				// A set bound directly; Slice is in the order iteration uses.
				out[i][k] = elems.Slice()
			default:
				return nil, fmt.Errorf("query returned %v for a set, want an array or a set", sets.Elem(k))
			}
		}
	}
	return out, nil
}

// result maps a rule's sets to exactly one status, in the contract's order:
// not_applicable, then fail, then review, then pass.
func (e *Engine) result(rule Rule, sets ruleSets, key deviceKey) Result {
	res := Result{RuleID: rule.ID, Address: key.Address, DeviceID: key.DeviceID, Severity: rule.Severity}
	na, deny, review := sets[0], sets[1], sets[2]
	switch {
	case len(na) > 0:
		res.Status = StatusNotApplicable
		res.Reasons = reasons(goValues(na))
	case len(deny) > 0:
		res.Status = StatusFail
		for _, d := range goValues(deny) {
			res.Findings = append(res.Findings, toFinding(d))
		}
		if w := e.waiverFor(rule.ID, key); w != nil {
			res.Status = StatusWaived
			res.Waiver = w
		}
	case len(review) > 0:
		res.Status = StatusReview
		res.Reasons = reasons(goValues(review))
	default:
		res.Status = StatusPass
	}
	return res
}

// goValues converts set elements to the JSON-like Go values that toFinding
// and reasons read, as OPA's own result conversion would.
func goValues(terms []*ast.Term) []any {
	out := make([]any, len(terms))
	for i, t := range terms {
		v, err := ast.JSON(t.Value)
		if err != nil {
			// Only non-JSON values (never produced by evaluation) fail; keep
			// their Rego text rather than drop the element.
			v = t.String()
		}
		out[i] = v
	}
	return out
}

// toFinding accepts a bare message or {"msg", "fact", "evidence"}.
func toFinding(v any) Finding {
	switch x := v.(type) {
	case string:
		return Finding{Message: x}
	case map[string]any:
		f := Finding{}
		if s, ok := x["msg"].(string); ok {
			f.Message = s
		} else if s, ok := x["message"].(string); ok {
			f.Message = s
		}
		f.Fact, _ = x["fact"].(string)
		switch ev := x["evidence"].(type) {
		case map[string]any:
			f.Evidence = ev
		case nil:
		default:
			f.Evidence = map[string]any{"value": ev}
		}
		if f.Message == "" {
			f.Message = compactJSON(x)
		}
		return f
	}
	return Finding{Message: compactJSON(v)}
}

func reasons(items []any) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		switch x := it.(type) {
		case string:
			out = append(out, x)
		case map[string]any:
			if s, ok := x["msg"].(string); ok {
				out = append(out, s)
				continue
			}
			out = append(out, compactJSON(x))
		default:
			out = append(out, compactJSON(x))
		}
	}
	return out
}

func compactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// EvaluateAll evaluates many devices with up to workers goroutines (0 means
// one per CPU) and returns every result sorted by address, then rule id.
// The first error cancels the remaining work.
func (e *Engine) EvaluateAll(ctx context.Context, docs []*facts.Device, workers int) ([]Result, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, max(len(docs), 1))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	per := make([][]Result, len(docs))
	jobs := make(chan int)
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				res, err := e.Evaluate(ctx, docs[i])
				if err != nil {
					once.Do(func() { firstErr = err; cancel() })
					continue
				}
				per[i] = res
			}
		}()
	}
feed:
	for i := range docs {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("evaluate devices: %w", err)
	}
	var all []Result
	for _, r := range per {
		all = append(all, r...)
	}
	SortResults(all)
	return all, nil
}

// SortResults orders results by device address (numerically when both are
// IP addresses), then rule id.
func SortResults(rs []Result) {
	sort.SliceStable(rs, func(i, j int) bool {
		if c := compareAddress(rs[i].Address, rs[j].Address); c != 0 {
			return c < 0
		}
		return rs[i].RuleID < rs[j].RuleID
	})
}

func compareAddress(a, b string) int {
	if a == b {
		return 0
	}
	pa, ea := netip.ParseAddr(a)
	pb, eb := netip.ParseAddr(b)
	if ea == nil && eb == nil {
		return pa.Compare(pb)
	}
	return strings.Compare(a, b)
}
