package wasm

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/compile"
)

// Compile builds modules into one Wasm policy with OPA's own compiler, with
// the given entrypoints (e.g. "pkg/rule"). Data is not compiled in: it is
// loaded into each VM at run time, so optimisation stays off (OPA's
// optimiser would treat the absent data as undefined).
func Compile(ctx context.Context, modules map[string]*ast.Module, caps *ast.Capabilities, entrypoints ...string) ([]byte, error) {
	b := &bundle.Bundle{Data: map[string]any{}}
	b.Manifest.Init()
	for path, m := range modules {
		b.Modules = append(b.Modules, bundle.ModuleFile{URL: path, Path: path, Raw: []byte(m.String()), Parsed: m})
	}
	c := compile.New().
		WithTarget(compile.TargetWasm).
		WithEntrypoints(entrypoints...).
		WithOptimizationLevel(0).
		WithRegoVersion(ast.RegoV1).
		WithCapabilities(caps).
		WithBundle(b).
		WithOutput(io.Discard)
	if err := c.Build(ctx); err != nil {
		return nil, fmt.Errorf("compile policies to wasm: %w", err)
	}
	out := c.Bundle()
	if out == nil || len(out.WasmModules) == 0 {
		return nil, errors.New("compile policies to wasm: no module produced")
	}
	return out.WasmModules[0].Raw, nil
}
