package wasm

import (
	"context"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/util"
	"github.com/tetratelabs/wazero/api"

	"github.com/mfpscan/mfpscan/internal/jsonany"
)

// hostModule instantiates the Go functions of OPA's Wasm ABI. A panic in a
// host function ends the wasm call with an error, which is how aborts and
// halting builtin errors reach Eval.
func (v *VM) hostModule(ctx context.Context) error {
	i32 := api.ValueTypeI32
	b := v.runtime.NewHostModuleBuilder(hostModule)
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(_ context.Context, _ api.Module, stack []uint64) {
		msg, err := v.cstring(uint32(stack[0]))
		if err != nil {
			panic(abort{err.Error()})
		}
		panic(abort{string(msg)})
	}), []api.ValueType{i32}, nil).Export("opa_abort")
	// print() output has nowhere to go in a scan; it is dropped.
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(context.Context, api.Module, []uint64) {}),
		[]api.ValueType{i32}, nil).Export("opa_println")
	for n := 0; n <= 4; n++ {
		params := make([]api.ValueType, 2+n)
		for i := range params {
			params[i] = i32
		}
		b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, _ api.Module, stack []uint64) {
			addr, err := v.builtin(ctx, int32(stack[0]), stack[2:2+n])
			if err != nil {
				panic(err)
			}
			stack[0] = uint64(addr)
		}), params, []api.ValueType{i32}).Export(fmt.Sprintf("opa_builtin%d", n))
	}
	if _, err := b.Instantiate(ctx); err != nil {
		return fmt.Errorf("instantiate host functions: %w", err)
	}
	return nil
}

// builtin runs a builtin the compiled policy does not implement itself
// (e.g. sprintf) with OPA's own Go implementation. A failing builtin stops
// the evaluation with its error, as topdown does with strict builtin
// errors: an undefined value would let a rule pass unnoticed.
func (v *VM) builtin(ctx context.Context, id int32, argAddrs []uint64) (uint32, error) {
	impl, ok := v.builtins[id]
	if !ok {
		return 0, fmt.Errorf("builtin %d: unknown id", id)
	}
	args := make([]*ast.Term, len(argAddrs))
	for i, a := range argAddrs {
		s, err := call(ctx, v.fnValDump, a)
		if err != nil {
			return 0, err
		}
		text, err := v.cstring(s)
		if err != nil {
			return 0, fmt.Errorf("builtin %s: %w", impl.name, err)
		}
		if args[i], err = v.policy.parseValue(text); err != nil {
			return 0, fmt.Errorf("builtin %s: argument %d: %w", impl.name, i+1, err)
		}
	}
	var out *ast.Term
	if err := impl.fn(v.bctx, args, func(t *ast.Term) error { out = t; return nil }); err != nil {
		return 0, fmt.Errorf("builtin %s: %w", impl.name, err)
	}
	if out == nil {
		return 0, nil
	}
	return v.parseWith(ctx, v.fnValParse, []byte(out.String()))
}

// parseValue reads a value dumped by opa_value_dump (Rego syntax). Most are
// plain JSON, which decodes far faster than the Rego parser; sets and
// non-string keys need the parser, given cached capabilities (without them
// the parser rebuilds the builtin list on every call).
func (p *Policy) parseValue(text []byte) (*ast.Term, error) {
	x, ok := jsonany.Decode(text)
	if !ok {
		// Not plain JSON for the quick decoder (FuzzDecode compares it with
		// OPA's): OPA's decides.
		ok = util.UnmarshalJSON(text, &x) == nil
	}
	if ok {
		if v, err := ast.InterfaceToValue(x); err == nil {
			return ast.NewTerm(v), nil
		}
	}
	body, err := ast.ParseBodyWithOpts(string(text), p.parser)
	if err != nil {
		return nil, fmt.Errorf("parse value: %w", err)
	}
	if len(body) != 1 {
		return nil, fmt.Errorf("parse value %q: not one term", text)
	}
	t, ok := body[0].Terms.(*ast.Term)
	if !ok {
		return nil, fmt.Errorf("parse value %q: not a term", text)
	}
	return t, nil
}
