package policies

import (
	"context"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/mfpscan/mfpscan/policies/internal/compiled"
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

// compile sets up the compiled evaluator as evaluator asks.
func (e *Engine) compile(ctx context.Context, evaluator string, modules map[string]*ast.Module, custom map[string]bool) error {
	switch evaluator {
	case EvaluatorTopdown:
		return nil
	case EvaluatorAuto, EvaluatorCompiled:
	default:
		return fmt.Errorf("load policies: unknown evaluator %q (want %q or %q)", evaluator, EvaluatorTopdown, EvaluatorCompiled)
	}
	c, err := compiled.New(ctx, modules, custom, Capabilities, e.data, e.query.plan)
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
