package policies

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/policies/internal/input"
)

// ruleSets are one rule's set elements, indexed like resultSets.
type ruleSets [3]setElems

// setElems are the elements of one set: OPA terms from topdown, or the Go
// values JSON gives (from the compiled evaluator), already in OPA's order.
type setElems struct {
	terms  []*ast.Term
	values []any
}

func (s setElems) len() int { return len(s.terms) + len(s.values) }

// goValues returns the elements as the JSON-like Go values that toFinding
// and reasons read.
func (s setElems) goValues() []any {
	if s.values != nil {
		return s.values
	}
	return goValues(s.terms)
}

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
	return e.evaluateDevice(ctx, dev, nil)
}

// evaluateDevice is Evaluate given, when doc is not nil, the JSON encoding
// of dev, so that the compiled evaluator need not encode it.
func (e *Engine) evaluateDevice(ctx context.Context, dev *facts.Device, doc []byte) ([]Result, error) {
	if dev == nil {
		return nil, errors.New("evaluate: nil device")
	}
	key := keyOf(dev)
	if e.compiled != nil {
		var err error
		if doc == nil {
			doc, err = json.Marshal(dev)
		}
		slow := false
		if err != nil {
			e.fellBack(key, fmt.Errorf("encode facts document: %w", err))
		} else if res, ok, over := e.evaluateCompiled(ctx, doc, key); ok {
			return res, nil
		} else {
			slow = over
		}
		if cause := stopCause(ctx); cause != nil {
			return nil, fmt.Errorf("evaluate policies on %s: %w", key.Address, cause)
		}
		if slow {
			// The whole catalogue would run over again: find the slow rule.
			in, err := input.Value(dev)
			if err != nil {
				return nil, fmt.Errorf("encode facts document: %w", err)
			}
			return e.evaluateEachRule(ctx, in, key)
		}
	}
	in, err := input.Value(dev)
	if err != nil {
		return nil, fmt.Errorf("encode facts document: %w", err)
	}
	return e.evaluate(ctx, in, key)
}

// EvaluateJSON is Evaluate for an encoded facts document, e.g. a saved
// facts/<address>.json. The rules see the document as written, including
// any field the facts types do not know.
func (e *Engine) EvaluateJSON(ctx context.Context, doc []byte) ([]Result, error) {
	var dev facts.Device
	if err := json.Unmarshal(doc, &dev); err != nil {
		return nil, fmt.Errorf("decode facts document: %w", err)
	}
	key := keyOf(&dev)
	if e.compiled != nil {
		if res, ok, _ := e.evaluateCompiled(ctx, doc, key); ok {
			return res, nil
		}
		if cause := stopCause(ctx); cause != nil {
			return nil, fmt.Errorf("evaluate policies on %s: %w", key.Address, cause)
		}
	}
	input, err := ast.ValueFromReader(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("parse facts document: %w", err)
	}
	return e.evaluate(ctx, input, key)
}

// evaluateCompiled evaluates with the compiled catalogue; false means it
// could not (an error of any kind), and topdown is to decide instead, so
// that errors are reported, and isolated per rule, in one place.
func (e *Engine) evaluateCompiled(ctx context.Context, doc []byte, key deviceKey) (res []Result, ok, overBudget bool) {
	bctx, cancel := e.budgetContext(ctx)
	sets, err := e.compiled.Evaluate(bctx, doc)
	overBudget = context.Cause(bctx) == errTimeBudget
	cancel()
	if err != nil {
		if overBudget {
			err = fmt.Errorf("%w (%s): %w", errTimeBudget, e.budget, err)
		}
		e.fellBack(key, err)
		return nil, false, overBudget
	}
	out := make([]ruleSets, len(sets))
	for i, rs := range sets {
		for k, vals := range rs {
			out[i][k] = setElems{values: vals}
		}
	}
	return e.results(out, key), true, false
}

// fellBack records that topdown evaluates a device the compiled evaluator
// could not: a broken custom rule, a failing builtin, a cancelled context.
func (e *Engine) fellBack(key deviceKey, reason error) {
	e.fallbacks.Add(1)
	e.log.Debug("compiled evaluator fell back to topdown", "address", key.Address, "reason", reason)
}

// Stats are counters of an engine's evaluations so far.
type Stats struct {
	// CompiledFallbacks counts devices the compiled evaluator handed to
	// topdown after an error.
	CompiledFallbacks int64 `json:"compiled_fallbacks"`
}

// Stats returns the engine's counters.
func (e *Engine) Stats() Stats {
	return Stats{CompiledFallbacks: e.fallbacks.Load()}
}

func (e *Engine) evaluate(ctx context.Context, input ast.Value, key deviceKey) ([]Result, error) {
	bctx, cancel := e.budgetContext(ctx)
	out, err := evalQuery(bctx, e.query, input)
	cancel()
	if err != nil {
		if cause := stopCause(ctx); cause != nil {
			return nil, fmt.Errorf("evaluate policies on %s: %w", key.Address, cause)
		}
		// One rule broke the whole query, or ran over the time budget; find
		// it and keep the others.
		return e.evaluateEachRule(ctx, input, key)
	}
	return e.results(out, key), nil
}

// results maps every enabled rule's sets to its result, sorted by rule id.
func (e *Engine) results(out []ruleSets, key deviceKey) []Result {
	results := make([]Result, 0, len(e.enabled))
	for i, ent := range e.enabled {
		results = append(results, e.result(ent.rule, out[i], key))
	}
	return e.finish(results)
}

// finish orders one device's results by rule id and points the findings
// that share a root cause at the one result that fails for it.
func (e *Engine) finish(results []Result) []Result {
	sort.Slice(results, func(i, j int) bool { return results[i].RuleID < results[j].RuleID })
	e.rel.relate(results)
	return results
}

// result maps a rule's sets to exactly one status, in the contract's order:
// not_applicable, then fail, then review, then pass.
func (e *Engine) result(rule Rule, sets ruleSets, key deviceKey) Result {
	res := Result{RuleID: rule.ID, Address: key.Address, DeviceID: key.DeviceID, Severity: rule.Severity}
	na, deny, review := sets[0], sets[1], sets[2]
	switch {
	case na.len() > 0:
		res.Status = StatusNotApplicable
		res.Reasons = reasons(na.goValues())
	case deny.len() > 0:
		res.Status = StatusFail
		graded := ""
		for _, d := range deny.goValues() {
			f := toFinding(d)
			if SeverityRank(f.Severity) > SeverityRank(graded) {
				graded = f.Severity
			}
			res.Findings = append(res.Findings, f)
		}
		// A rule whose findings grade themselves (TLS-003 by the weakest
		// suite, FW-001 by each advisory's own rating) takes the highest
		// grade, unless the organisation set the rule's severity.
		if graded != "" && !rule.SeverityOverridden {
			res.Severity = graded
		}
		if w := e.waiverFor(rule.ID, key); w != nil {
			res.Status = StatusWaived
			res.Waiver = w
		}
	case review.len() > 0:
		res.Status = StatusReview
		res.Reasons = reasons(review.goValues())
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

// toFinding accepts a bare message or {"msg", "fact", "evidence"}, with
// optional "severity" and "root_cause".
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
		f.RootCause, _ = x["root_cause"].(string)
		if s, ok := x["severity"].(string); ok && SeverityRank(s) > 0 {
			f.Severity = s
		}
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

// SortResults orders results by device address (facts.CompareAddress, the
// order of every report), then rule id.
func SortResults(rs []Result) {
	sort.SliceStable(rs, func(i, j int) bool {
		if c := facts.CompareAddress(rs[i].Address, rs[j].Address); c != 0 {
			return c < 0
		}
		return rs[i].RuleID < rs[j].RuleID
	})
}
