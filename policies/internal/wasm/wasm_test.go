package wasm

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

const testPolicy = `package t

# sprintf is not compiled to wasm: it runs on the host.
msg := sprintf("%s has %d open ports: %v", [input.name, count(input.ports), ports])

ports := {p | some p in input.ports}

limit := data.config.limit

over if count(input.ports) > limit

# Two values for one complete rule: a conflict, which aborts.
conflict := 1 if input.clash
conflict := 2 if input.clash
`

func newTestVM(t *testing.T, entrypoint string) *VM {
	t.Helper()
	m, err := ast.ParseModuleWithOpts("t.rego", testPolicy, ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	caps := ast.CapabilitiesForThisVersion()
	raw, err := Compile(ctx, map[string]*ast.Module{"t.rego": m}, caps, "t/msg", "t/over", "t/conflict")
	if err != nil {
		t.Fatal(err)
	}
	vm, err := NewPolicy(raw, []byte(`{"config": {"limit": 2}}`), entrypoint, caps, nil, false).NewVM(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { vm.Close(ctx) })
	return vm
}

func result(t *testing.T, out []byte) any {
	t.Helper()
	var rs []struct{ Result any }
	if err := json.Unmarshal(out, &rs); err != nil {
		t.Fatalf("result %s: %v", out, err)
	}
	if len(rs) != 1 {
		t.Fatalf("result %s: want one", out)
	}
	return rs[0].Result
}

func TestEvalHostBuiltinWithSetArgument(t *testing.T) {
	vm := newTestVM(t, "t/msg")
	ctx := context.Background()
	// Twice on one VM: the heap is reset between evaluations.
	for range 2 {
		out, err := vm.Eval(ctx, []byte(`{"name": "mfp", "ports": [443, 80]}`))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := result(t, out), "mfp has 2 open ports: {80, 443}"; got != want {
			t.Errorf("msg = %q, want %q", got, want)
		}
	}
}

func TestEvalReadsData(t *testing.T) {
	vm := newTestVM(t, "t/over")
	ctx := context.Background()
	out, err := vm.Eval(ctx, []byte(`{"ports": [1, 2, 3]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := result(t, out); got != true {
		t.Errorf("over = %v, want true (limit 2 from data)", got)
	}
	out, err = vm.Eval(ctx, []byte(`{"ports": [1]}`))
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "[]" {
		t.Errorf("undefined result = %s, want []", out)
	}
}

func TestEvalLargeInputGrowsMemory(t *testing.T) {
	vm := newTestVM(t, "t/over")
	ports := make([]int, 200000)
	doc, err := json.Marshal(map[string]any{"ports": ports})
	if err != nil {
		t.Fatal(err)
	}
	out, err := vm.Eval(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	if got := result(t, out); got != true {
		t.Errorf("over = %v, want true", got)
	}
}

func TestEvalErrors(t *testing.T) {
	vm := newTestVM(t, "t/conflict")
	_, err := vm.Eval(context.Background(), []byte(`{"clash": true}`))
	if err == nil || !strings.Contains(err.Error(), "policy aborted") {
		t.Errorf("conflict: err = %v, want an abort", err)
	}
	vm = newTestVM(t, "t/over")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := vm.Eval(ctx, []byte(`{}`)); err == nil {
		t.Error("cancelled context: no error")
	}
}

func TestUnknownEntrypoint(t *testing.T) {
	m := ast.MustParseModuleWithOpts("package t\n\nx := 1\n", ast.ParserOptions{RegoVersion: ast.RegoV1})
	ctx := context.Background()
	caps := ast.CapabilitiesForThisVersion()
	raw, err := Compile(ctx, map[string]*ast.Module{"t.rego": m}, caps, "t/x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewPolicy(raw, []byte(`{}`), "t/y", caps, nil, false).NewVM(ctx); err == nil || !strings.Contains(err.Error(), "t/y") {
		t.Errorf("NewVM = %v, want an unknown-entrypoint error", err)
	}
}
