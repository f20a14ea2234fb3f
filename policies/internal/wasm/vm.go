// Package wasm runs policies compiled to WebAssembly by OPA's own compiler
// on wazero, through OPA's Wasm ABI (opa_eval, version 1.2 and later).
//
// It exists for speed: on the built-in catalogue a compiled policy evaluates
// a device several times faster than OPA's topdown evaluator. It is not a
// second source of truth: callers fall back to topdown on any error, and the
// policies package tests that both give the same results.
package wasm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/metrics"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/topdown/builtins"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// Policy is a compiled Wasm policy with its data, from which VMs are made.
type Policy struct {
	raw        []byte
	data       []byte // JSON data document
	entrypoint string
	cache      wazero.CompilationCache // compiles the module once for every VM
	parser     ast.ParserOptions
	aliases    map[string]string // imported builtin name → OPA builtin it runs
	// interruptible makes evaluations stop when their context ends.
	interruptible bool
}

// NewPolicy prepares raw (from Compile) to be run with the JSON data
// document data, at entrypoint (e.g. "pkg/rule"). aliases names, for a
// builtin the policy imports under another name, the OPA builtin that
// implements it. interruptible makes an evaluation stop when its context
// ends, at a cost: wazero then checks for termination in the compiled code
// and watches the context on every call into the module, which doubled the
// CPU time of the built-in catalogue.
func NewPolicy(raw, data []byte, entrypoint string, caps *ast.Capabilities, aliases map[string]string, interruptible bool) *Policy {
	return &Policy{
		raw:        raw,
		data:       data,
		entrypoint: entrypoint,
		cache:      wazero.NewCompilationCache(),
		parser:     ast.ParserOptions{Capabilities: caps, RegoVersion: ast.RegoV1},
		aliases:    aliases,

		interruptible: interruptible,
	}
}

// The OPA Wasm ABI this runtime speaks: major version 1, minor 2 or later
// (opa_eval, the one-call evaluation).
const (
	abiMajor    = 1
	abiMinorMin = 2
)

// checkABI reads the ABI version the module declares in its
// opa_wasm_abi_version and opa_wasm_abi_minor_version globals and refuses
// one this runtime does not speak, before anything is called.
func checkABI(mod api.Module) error {
	major, okMajor := abiGlobal(mod, "opa_wasm_abi_version")
	minor, okMinor := abiGlobal(mod, "opa_wasm_abi_minor_version")
	if !okMajor || !okMinor {
		return errors.New("instantiate policy: no OPA Wasm ABI version exported")
	}
	if major != abiMajor || minor < abiMinorMin {
		return fmt.Errorf("instantiate policy: OPA Wasm ABI %d.%d, want %d.%d or a later %d.x", major, minor, abiMajor, abiMinorMin, abiMajor)
	}
	return nil
}

func abiGlobal(mod api.Module, name string) (uint32, bool) {
	g := mod.ExportedGlobal(name)
	if g == nil {
		return 0, false
	}
	return uint32(g.Get()), true
}

// VM is one instance of a policy, with its own memory. It is not safe for
// concurrent use; make one per goroutine.
type VM struct {
	policy     *Policy
	runtime    wazero.Runtime
	mem        api.Memory
	fnEval     api.Function
	fnMalloc   api.Function
	fnParse    api.Function
	fnValParse api.Function
	fnValDump  api.Function
	fnDump     api.Function
	dataAddr   uint32
	heapStart  uint32 // first free address after the data; reset for every evaluation
	entrypoint int32
	builtins   map[int32]builtinImpl
	bctx       topdown.BuiltinContext
}

type builtinImpl struct {
	name string
	fn   topdown.BuiltinFunc
}

// abort is what opa_abort raises: the policy hit a runtime error (e.g. a
// conflict between complete rule values).
type abort struct{ msg string }

func (a abort) Error() string { return "policy aborted: " + a.msg }

// NewVM instantiates the policy and loads its data.
func (p *Policy) NewVM(ctx context.Context) (*VM, error) {
	// With interruptible, a policy that loops or builds a huge value stops
	// when its context ends (the engine's time and memory budgets, an
	// interrupt); the VM is closed then, and the caller drops it. Without
	// it, Eval checks the context before it starts.
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(p.cache).WithCloseOnContextDone(p.interruptible))
	v := &VM{policy: p, runtime: rt}
	if err := v.instantiate(ctx); err != nil {
		rt.Close(ctx)
		return nil, err
	}
	return v, nil
}

// Close frees the VM.
func (v *VM) Close(ctx context.Context) { v.runtime.Close(ctx) }

func (v *VM) instantiate(ctx context.Context) error {
	compiled, err := v.runtime.CompileModule(ctx, v.policy.raw)
	if err != nil {
		return fmt.Errorf("compile wasm module: %w", err)
	}
	mems := compiled.ImportedMemories()
	if len(mems) != 1 {
		return fmt.Errorf("instantiate policy: %d imported memories, want 1", len(mems))
	}
	if mod, n, _ := mems[0].Import(); mod != "env" || n != "memory" {
		return fmt.Errorf("instantiate policy: memory imported as %s.%s, want env.memory", mod, n)
	}
	maxPages, hasMax := mems[0].Max()
	if err := v.hostModule(ctx); err != nil {
		return err
	}
	if _, err := v.runtime.InstantiateWithConfig(ctx, envModule(mems[0].Min(), maxPages, hasMax), wazero.NewModuleConfig().WithName("env")); err != nil {
		return fmt.Errorf("instantiate env module: %w", err)
	}
	mod, err := v.runtime.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithName("policy"))
	if err != nil {
		return fmt.Errorf("instantiate policy: %w", err)
	}
	if err := checkABI(mod); err != nil {
		return err
	}
	if v.mem = mod.Memory(); v.mem == nil {
		return errors.New("instantiate policy: no memory")
	}
	var missing []string
	export := func(n string) api.Function {
		f := mod.ExportedFunction(n)
		if f == nil {
			missing = append(missing, n)
		}
		return f
	}
	v.fnEval, v.fnMalloc, v.fnParse = export("opa_eval"), export("opa_malloc"), export("opa_json_parse")
	v.fnValParse, v.fnValDump, v.fnDump = export("opa_value_parse"), export("opa_value_dump"), export("opa_json_dump")
	fnHeap, fnBuiltins, fnEntrypoints := export("opa_heap_ptr_get"), export("builtins"), export("entrypoints")
	if len(missing) > 0 {
		return fmt.Errorf("instantiate policy: exports missing (OPA Wasm ABI 1.2 or later needed): %v", missing)
	}
	if v.dataAddr, err = v.parseJSON(ctx, v.policy.data); err != nil {
		return fmt.Errorf("load data: %w", err)
	}
	if v.heapStart, err = call(ctx, fnHeap); err != nil {
		return fmt.Errorf("read heap pointer: %w", err)
	}
	if err := v.resolveBuiltins(ctx, fnBuiltins); err != nil {
		return err
	}
	return v.resolveEntrypoint(ctx, fnEntrypoints)
}

func (v *VM) resolveBuiltins(ctx context.Context, fn api.Function) error {
	var ids map[string]int32
	if err := v.exportedJSON(ctx, fn, &ids); err != nil {
		return fmt.Errorf("read builtins: %w", err)
	}
	v.builtins = make(map[int32]builtinImpl, len(ids))
	for n, id := range ids {
		impl := n
		if a, ok := v.policy.aliases[n]; ok {
			impl = a
		}
		f := topdown.GetBuiltin(impl)
		if f == nil {
			return fmt.Errorf("builtin %s: no host implementation", n)
		}
		v.builtins[id] = builtinImpl{name: impl, fn: f}
	}
	v.bctx = topdown.BuiltinContext{
		Context:      ctx,
		Metrics:      metrics.New(),
		Cache:        make(builtins.Cache),
		Capabilities: v.policy.parser.Capabilities,
	}
	return nil
}

func (v *VM) resolveEntrypoint(ctx context.Context, fn api.Function) error {
	var ids map[string]int32
	if err := v.exportedJSON(ctx, fn, &ids); err != nil {
		return fmt.Errorf("read entrypoints: %w", err)
	}
	id, ok := ids[v.policy.entrypoint]
	if !ok {
		return fmt.Errorf("entrypoint %s not in the policy", v.policy.entrypoint)
	}
	v.entrypoint = id
	return nil
}

// Eval evaluates the entrypoint with the JSON document input, which must be
// valid JSON (opa_eval treats a document it cannot parse as an undefined
// input, without a word; the policies package only passes documents it has
// encoded or decoded itself), and returns
// the result set as JSON: [{"result": value}], or [] when undefined. Any
// error (an abort, a failed builtin that halts, a cancelled context) leaves
// the VM unusable; the caller should close it.
func (v *VM) Eval(ctx context.Context, input []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	inAddr := v.heapStart
	end := inAddr + uint32(len(input))
	if end < inAddr {
		return nil, errors.New("evaluate: input larger than wasm memory")
	}
	if size := v.mem.Size(); end > size {
		if _, ok := v.mem.Grow((end - size + 65535) / 65536); !ok {
			return nil, errors.New("evaluate: grow wasm memory")
		}
	}
	if !v.mem.Write(inAddr, input) {
		return nil, errors.New("evaluate: write input")
	}
	// As for a topdown query, builtin state lives for one evaluation: the
	// context, "now", and the builtins' cache.
	v.bctx.Context = ctx
	v.bctx.Time = ast.NumberTerm(json.Number(fmt.Sprint(time.Now().UnixNano())))
	v.bctx.Cache = make(builtins.Cache)
	addr, err := call(ctx, v.fnEval, 0, uint64(v.entrypoint), uint64(v.dataAddr), uint64(inAddr), uint64(len(input)), uint64(end), 0)
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	out, err := v.cstring(addr)
	if err != nil {
		return nil, fmt.Errorf("evaluate: read result: %w", err)
	}
	return bytes.Clone(out), nil
}

func call(ctx context.Context, f api.Function, args ...uint64) (uint32, error) {
	res, err := f.Call(ctx, args...)
	if err != nil {
		return 0, err
	}
	if len(res) == 0 {
		return 0, nil
	}
	return uint32(res[0]), nil
}

// cstring returns the NUL-terminated bytes at addr, aliasing wasm memory.
func (v *VM) cstring(addr uint32) ([]byte, error) {
	size := v.mem.Size()
	if addr >= size {
		return nil, fmt.Errorf("address %d outside memory (%d bytes)", addr, size)
	}
	data, _ := v.mem.Read(addr, size-addr)
	n := bytes.IndexByte(data, 0)
	if n < 0 {
		return nil, errors.New("unterminated string")
	}
	return data[:n], nil
}

// parseJSON copies raw into wasm memory and parses it there.
func (v *VM) parseJSON(ctx context.Context, raw []byte) (uint32, error) {
	return v.parseWith(ctx, v.fnParse, raw)
}

func (v *VM) parseWith(ctx context.Context, parse api.Function, raw []byte) (uint32, error) {
	p, err := call(ctx, v.fnMalloc, uint64(len(raw)))
	if err != nil {
		return 0, err
	}
	if !v.mem.Write(p, raw) {
		return 0, errors.New("write to wasm memory")
	}
	addr, err := call(ctx, parse, uint64(p), uint64(len(raw)))
	if err != nil {
		return 0, err
	}
	if addr == 0 {
		return 0, errors.New("wasm could not parse the value")
	}
	return addr, nil
}

// exportedJSON calls an export that returns a value and decodes it.
func (v *VM) exportedJSON(ctx context.Context, fn api.Function, out any) error {
	addr, err := call(ctx, fn)
	if err != nil {
		return err
	}
	s, err := call(ctx, v.fnDump, uint64(addr))
	if err != nil {
		return err
	}
	raw, err := v.cstring(s)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, out)
}
