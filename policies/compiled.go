package policies

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/mfpscan/mfpscan/policies/internal/wasm"
)

// Evaluators (Options.Evaluator).
const (
	// EvaluatorAuto compiles the catalogue to WebAssembly when it can and
	// uses OPA's topdown evaluator otherwise.
	EvaluatorAuto = ""
	// EvaluatorTopdown always uses OPA's topdown evaluator.
	EvaluatorTopdown = "topdown"
	// EvaluatorCompiled requires the compiled catalogue; Load fails when
	// the policies cannot be compiled.
	EvaluatorCompiled = "compiled"
)

// compiledPackage holds the generated rule with the catalogue query, for
// OPA's Wasm compiler, which compiles rules, not queries.
const (
	compiledPackage    = "mfpscan.internal.compiled"
	compiledEntrypoint = "mfpscan/internal/compiled/result"
)

// compiledEvaluator runs the catalogue query compiled to WebAssembly. OPA's
// topdown evaluator interprets the policy's syntax tree for every device;
// the compiled policy is machine code (through wazero) and evaluates the
// built-in catalogue several times faster (docs/benchmarks/policies.md). It
// gives the same results: the engine falls back to topdown for a device on
// any error here, and TestCompiledMatchesTopdown compares the two.
type compiledEvaluator struct {
	policy *wasm.Policy
	plan   queryPlan

	mu   sync.Mutex
	idle []*wasm.VM // one VM serves one evaluation at a time
}

// newCompiledEvaluator compiles modules plus the catalogue query of plan.
// The builtin calls of the custom modules go through strict aliases (see
// strictModules).
func newCompiledEvaluator(ctx context.Context, modules map[string]*ast.Module, custom map[string]bool, data map[string]any, plan queryPlan) (*compiledEvaluator, error) {
	src := fmt.Sprintf("package %s\n\nresult := %s if {\n\t%s\n}\n", compiledPackage, outVar, plan.text)
	wrapper, err := ast.ParseModuleWithOpts("mfpscan-internal-compiled.rego", src, ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		return nil, fmt.Errorf("parse compiled query: %w", err)
	}
	all, aliases := strictModules(modules, custom)
	all["mfpscan-internal-compiled.rego"] = wrapper
	raw, err := wasm.Compile(ctx, all, strictCapabilities(Capabilities(), aliases), compiledEntrypoint)
	if err != nil {
		return nil, err
	}
	dataJSON, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("encode data for the compiled policies: %w", err)
	}
	ev := &compiledEvaluator{policy: wasm.NewPolicy(raw, dataJSON, compiledEntrypoint, Capabilities(), aliases), plan: plan}
	// Instantiate once now, so that a policy the runtime cannot run is
	// found at load time rather than on every device.
	vm, err := ev.policy.NewVM(ctx)
	if err != nil {
		return nil, err
	}
	ev.idle = append(ev.idle, vm)
	return ev, nil
}

// evaluate returns each rule's sets for the JSON document doc.
func (c *compiledEvaluator) evaluate(ctx context.Context, doc []byte) ([]ruleSets, error) {
	vm, err := c.get(ctx)
	if err != nil {
		return nil, err
	}
	out, err := vm.Eval(ctx, doc)
	if err != nil {
		vm.Close(context.WithoutCancel(ctx)) // its state is unknown after an error
		return nil, err
	}
	c.put(vm)
	var rs []struct {
		Result []any `json:"result"`
	}
	if err := util.UnmarshalJSON(out, &rs); err != nil {
		return nil, fmt.Errorf("decode compiled result: %w", err)
	}
	if len(rs) != 1 || len(rs[0].Result) != 1 {
		return nil, fmt.Errorf("decode compiled result %.200s: want one result, a one-element array", out)
	}
	slots, ok := rs[0].Result[0].([]any)
	if !ok || len(slots) != c.plan.slots {
		return nil, fmt.Errorf("decode compiled result %.200s: want %d slots", out, c.plan.slots)
	}
	sets := make([]ruleSets, len(c.plan.sets))
	for i, locs := range c.plan.sets {
		for k, loc := range locs {
			elems, err := jsonSetAt(slots, loc)
			if err != nil {
				return nil, err
			}
			if sets[i][k].values, err = inSetOrder(elems); err != nil {
				return nil, err
			}
		}
	}
	return sets, nil
}

// jsonSetAt is setAt for the compiled result, where sets arrive as arrays.
func jsonSetAt(slots []any, loc setLoc) ([]any, error) {
	if loc.slot < 0 {
		return nil, nil
	}
	v := slots[loc.slot]
	if loc.inGroup >= 0 {
		group, ok := v.([]any)
		if !ok || len(group) > 1 {
			return nil, fmt.Errorf("compiled result: %v for a group, want at most one tuple", v)
		}
		if len(group) == 0 {
			return nil, nil
		}
		tuple, ok := group[0].([]any)
		if !ok || loc.inGroup >= len(tuple) {
			return nil, fmt.Errorf("compiled result: %v for a group tuple, want at least %d sets", group[0], loc.inGroup+1)
		}
		v = tuple[loc.inGroup]
	}
	elems, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("compiled result: %v for a set, want an array", v)
	}
	return elems, nil
}

// inSetOrder puts elements in the order OPA iterates a set (its term
// order), which JSON from the compiled policy does not keep, so that
// findings come out in the same order whichever evaluator ran.
func inSetOrder(elems []any) ([]any, error) {
	if len(elems) < 2 {
		return elems, nil
	}
	type keyed struct {
		key ast.Value
		val any
	}
	ks := make([]keyed, len(elems))
	for i, el := range elems {
		k, err := ast.InterfaceToValue(el)
		if err != nil {
			return nil, fmt.Errorf("compiled result: %w", err)
		}
		ks[i] = keyed{k, el}
	}
	slices.SortFunc(ks, func(a, b keyed) int { return ast.Compare(a.key, b.key) })
	for i := range ks {
		elems[i] = ks[i].val
	}
	return elems, nil
}

func (c *compiledEvaluator) get(ctx context.Context) (*wasm.VM, error) {
	c.mu.Lock()
	if n := len(c.idle); n > 0 {
		vm := c.idle[n-1]
		c.idle = c.idle[:n-1]
		c.mu.Unlock()
		return vm, nil
	}
	c.mu.Unlock()
	return c.policy.NewVM(context.WithoutCancel(ctx))
}

func (c *compiledEvaluator) put(vm *wasm.VM) {
	c.mu.Lock()
	c.idle = append(c.idle, vm)
	c.mu.Unlock()
}

// compile sets up the compiled evaluator as evaluator asks.
func (e *Engine) compile(ctx context.Context, evaluator string, modules map[string]*ast.Module, custom map[string]bool) error {
	switch evaluator {
	case EvaluatorTopdown:
		return nil
	case EvaluatorAuto, EvaluatorCompiled:
	default:
		return fmt.Errorf("load policies: unknown evaluator %q (want %q or %q)", evaluator, EvaluatorTopdown, EvaluatorCompiled)
	}
	c, err := newCompiledEvaluator(ctx, modules, custom, e.data, e.query.plan)
	if err != nil {
		if evaluator == EvaluatorCompiled {
			return fmt.Errorf("load policies: %w", err)
		}
		// Some policy the Wasm compiler does not support (e.g. a custom
		// rule using a builtin it lacks): topdown evaluates everything.
		return nil
	}
	e.compiled = c
	return nil
}

// Evaluator says which evaluator the engine uses: EvaluatorCompiled or
// EvaluatorTopdown.
func (e *Engine) Evaluator() string {
	if e.compiled != nil {
		return EvaluatorCompiled
	}
	return EvaluatorTopdown
}
