package policies

import (
	"context"
	"errors"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/mfpscan/mfpscan/policies/internal/query"
)

// catalogueQuery is a prepared query over some rules and where its output
// holds each rule's sets.
type catalogueQuery struct {
	pq   rego.PreparedEvalQuery
	plan query.Plan
}

// prepare builds and prepares the single query that returns, for every
// enabled rule, the elements of its not_applicable, deny and review sets.
// One query for the whole catalogue means one evaluation per device.
func (e *Engine) prepare(ctx context.Context) error {
	q, err := e.prepareQuery(ctx, e.enabled)
	if err != nil {
		var astErrs ast.Errors
		if errors.As(err, &astErrs) {
			return compileError("prepare policy query", astErrs)
		}
		return fmt.Errorf("prepare policy query: %w", err)
	}
	e.query = q
	return nil
}

func (e *Engine) prepareQuery(ctx context.Context, rules []*ruleEntry) (catalogueQuery, error) {
	qr := make([]*query.Rule, len(rules))
	for i, ent := range rules {
		qr[i] = &ent.q
	}
	plan := query.Build(qr)
	pq, err := rego.New(
		rego.Query(plan.Text),
		rego.Compiler(e.compiler),
		rego.Store(e.store),
		rego.GenerateJSON(keepTerm),
		rego.Capabilities(Capabilities()),
		// A builtin that fails raises an error, which turns the rule into
		// review (evaluateEachRule); undefined would let the rule pass.
		rego.StrictBuiltinErrors(true),
	).PrepareForEval(ctx)
	return catalogueQuery{pq: pq, plan: plan}, err
}

// keepTerm hands the query's result over as an OPA term: result converts
// only the elements that decide a status to Go values, instead of OPA
// converting every set (a large share of the allocations per device).
func keepTerm(t *ast.Term, _ *rego.EvalContext) (any, error) { return t, nil }

// evalQuery runs q on one input and returns each rule's sets.
func evalQuery(ctx context.Context, q catalogueQuery, input ast.Value) ([]ruleSets, error) {
	rs, err := q.pq.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return nil, err
	}
	if len(rs) != 1 {
		return nil, fmt.Errorf("query returned %d results, want 1", len(rs))
	}
	t, _ := rs[0].Bindings[query.OutVar].(*ast.Term)
	if t == nil {
		return nil, fmt.Errorf("query returned %T, want a term", rs[0].Bindings[query.OutVar])
	}
	sets, err := q.plan.Decode(t)
	if err != nil {
		return nil, err
	}
	out := make([]ruleSets, len(sets))
	for i, rs := range sets {
		for k, elems := range rs {
			out[i][k] = setElems{terms: elems}
		}
	}
	return out, nil
}
