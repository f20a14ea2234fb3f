// Package compiled evaluates a rule catalogue compiled to WebAssembly by
// OPA's own compiler (see package wasm), the fast path of policies.Engine.
// It is never the only judge: on any error the engine evaluates the device
// again with OPA's topdown evaluator.
package compiled

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/mfpscan/mfpscan/internal/jsonany"

	"github.com/mfpscan/mfpscan/policies/internal/query"
	"github.com/mfpscan/mfpscan/policies/internal/wasm"
)

// compiledPackage holds the generated rule with the catalogue query, for
// OPA's Wasm compiler, which compiles rules, not queries.
const (
	compiledPackage    = "mfpscan.internal.compiled"
	compiledEntrypoint = "mfpscan/internal/compiled/result"
)

// Evaluator runs the catalogue query compiled to WebAssembly. OPA's
// topdown evaluator interprets the policy's syntax tree for every device;
// the compiled policy is machine code (through wazero) and evaluates the
// built-in catalogue several times faster (docs/benchmarks/policies.md). It
// gives the same results: the engine falls back to topdown for a device on
// any error here, and TestCompiledMatchesTopdown compares the two.
type Evaluator struct {
	policy *wasm.Policy
	plan   query.Plan

	mu   sync.Mutex
	idle []*wasm.VM // one VM serves one evaluation at a time
}

// New compiles modules plus the catalogue query of plan, for the sandbox
// caps, with the JSON data document data. The builtin calls of the modules
// named in custom go through strict aliases (see strictModules), and, when
// there are any, evaluations stop when their context ends (the engine's
// budgets); the embedded catalogue alone is trusted to finish, and runs
// without that cost.
func New(ctx context.Context, modules map[string]*ast.Module, custom map[string]bool, caps func() *ast.Capabilities, data map[string]any, plan query.Plan) (*Evaluator, error) {
	src := fmt.Sprintf("package %s\n\nresult := %s if {\n\t%s\n}\n", compiledPackage, query.OutVar, plan.Text)
	wrapper, err := ast.ParseModuleWithOpts("mfpscan-internal-compiled.rego", src, ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		return nil, fmt.Errorf("parse compiled query: %w", err)
	}
	all, aliases := strictModules(modules, custom)
	all["mfpscan-internal-compiled.rego"] = wrapper
	raw, err := wasm.Compile(ctx, all, strictCapabilities(caps(), aliases), compiledEntrypoint)
	if err != nil {
		return nil, err
	}
	dataJSON, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("encode data for the compiled policies: %w", err)
	}
	ev := &Evaluator{policy: wasm.NewPolicy(raw, dataJSON, compiledEntrypoint, caps(), aliases, len(custom) > 0), plan: plan}
	// Instantiate once now, so that a policy the runtime cannot run is
	// found at load time rather than on every device.
	vm, err := ev.policy.NewVM(ctx)
	if err != nil {
		return nil, err
	}
	ev.idle = append(ev.idle, vm)
	return ev, nil
}

// Evaluate returns each rule's sets for the JSON document doc, indexed
// like the plan's rules, then like query.ResultSets, each in the order OPA
// iterates a set.
func (c *Evaluator) Evaluate(ctx context.Context, doc []byte) ([][3][]any, error) {
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
	result, err := decodeResult(out)
	if err != nil {
		return nil, err
	}
	slots, ok := result.([]any)
	if !ok {
		return nil, fmt.Errorf("decode compiled result %.200s: want an array of slots", out)
	}
	sets, err := c.plan.DecodeJSON(slots)
	if err != nil {
		return nil, err
	}
	for i := range sets {
		for k := range sets[i] {
			if sets[i][k], err = inSetOrder(sets[i][k]); err != nil {
				return nil, err
			}
		}
	}
	return sets, nil
}

// decodeResult returns the value of the one result of a result set
// [{"result": [value]}].
func decodeResult(out []byte) (any, error) {
	// The quick decoder gives the values OPA's would (jsonany.FuzzDecode);
	// a result set of another shape goes to OPA's, which decides.
	if v, ok := jsonany.Decode(out); ok {
		if rs, ok := v.([]any); ok && len(rs) == 1 {
			if m, ok := rs[0].(map[string]any); ok && len(m) == 1 {
				if r, ok := m["result"].([]any); ok && len(r) == 1 {
					return r[0], nil
				}
			}
		}
	}
	var rs []struct {
		Result []any `json:"result"`
	}
	if err := util.UnmarshalJSON(out, &rs); err != nil {
		return nil, fmt.Errorf("decode compiled result: %w", err)
	}
	if len(rs) != 1 || len(rs[0].Result) != 1 {
		return nil, fmt.Errorf("decode compiled result %.200s: want one result, a one-element array", out)
	}
	return rs[0].Result[0], nil
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

func (c *Evaluator) get(ctx context.Context) (*wasm.VM, error) {
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

func (c *Evaluator) put(vm *wasm.VM) {
	c.mu.Lock()
	c.idle = append(c.idle, vm)
	c.mu.Unlock()
}
