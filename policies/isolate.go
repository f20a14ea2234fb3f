package policies

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// RuleError is one rule that failed at evaluation time on one device, e.g. a
// custom rule whose complete value conflicts on that device's facts. The
// rule's result on the device is review; the other rules are unaffected.
type RuleError struct {
	RuleID  string
	Address string
	// Location is file:line of the failing expression when OPA reports one,
	// else of the rule's METADATA.
	Location string
	Err      error
}

func (r RuleError) Error() string {
	return fmt.Sprintf("rule %s on %s: %s: %s", r.RuleID, r.Address, r.Location, r.message())
}

func (r RuleError) Unwrap() error { return r.Err }

// message is the error on one line, without the location OPA prefixes,
// since Location already says where.
func (r RuleError) message() string {
	var te *topdown.Error
	if errors.As(r.Err, &te) {
		if te.Code != "" {
			return oneLine(te.Code + ": " + te.Message)
		}
		return oneLine(te.Message)
	}
	return oneLine(r.Err.Error())
}

// reason is the review reason the broken rule's result carries.
func (r RuleError) reason() string {
	return fmt.Sprintf("rule %s could not be evaluated on this device (%s: %s); fix the policy and re-run", r.RuleID, r.Location, r.message())
}

func newRuleError(ent *ruleEntry, key deviceKey, err error) RuleError {
	loc := ent.loc
	var te *topdown.Error
	if errors.As(err, &te) && te.Location != nil && te.Location.File != "" {
		loc = fmt.Sprintf("%s:%d", te.Location.File, te.Location.Row)
	}
	return RuleError{RuleID: ent.rule.ID, Address: key.Address, Location: loc, Err: err}
}

// ruleQueries holds one prepared query per enabled rule (parallel to
// Engine.enabled). They are only needed once a device breaks the catalogue
// query, so they are prepared on first use, once, for all goroutines.
type ruleQueries struct {
	once    sync.Once
	queries []catalogueQuery
	errs    []error // a rule whose query could not be prepared
}

func (e *Engine) ruleQueries(ctx context.Context) *ruleQueries {
	rq := e.perRule
	rq.once.Do(func() {
		// Preparation must not inherit the first caller's cancellation: its
		// outcome is kept for every later device.
		ctx := context.WithoutCancel(ctx)
		rq.queries = make([]catalogueQuery, len(e.enabled))
		rq.errs = make([]error, len(e.enabled))
		for i, ent := range e.enabled {
			pq, err := e.prepareQuery(ctx, []*ruleEntry{ent})
			if err != nil {
				rq.errs[i] = fmt.Errorf("prepare query of rule %s: %w", ent.rule.ID, err)
				continue
			}
			rq.queries[i] = pq
		}
	})
	return rq
}

// evaluateEachRule is the slow path after the catalogue query failed on a
// device: every rule runs alone, so one broken rule costs only its own
// result.
func (e *Engine) evaluateEachRule(ctx context.Context, input ast.Value, key deviceKey) ([]Result, error) {
	rq := e.ruleQueries(ctx)
	results := make([]Result, 0, len(e.enabled))
	for i, ent := range e.enabled {
		err := rq.errs[i]
		var out []ruleSets
		if err == nil {
			rctx, cancel := e.budgetContext(ctx)
			out, err = evalQuery(rctx, rq.queries[i], input)
			if context.Cause(rctx) == errTimeBudget {
				err = fmt.Errorf("%w: the rule did not finish within %s on this device", errTimeBudget, e.budget)
			}
			cancel()
		}
		if err != nil {
			if cause := stopCause(ctx); cause != nil {
				return nil, fmt.Errorf("evaluate policies on %s: %w", key.Address, cause)
			}
			re := newRuleError(ent, key, err)
			if e.onError != nil {
				e.onError(re)
			}
			results = append(results, Result{
				RuleID:   ent.rule.ID,
				Address:  key.Address,
				DeviceID: key.DeviceID,
				Severity: ent.rule.Severity,
				Status:   StatusReview,
				Reasons:  []string{re.reason()},
			})
			continue
		}
		results = append(results, e.result(ent.rule, out[0], key))
	}
	return e.finish(results), nil
}
