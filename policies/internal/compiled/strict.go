package compiled

import (
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// A builtin that fails (1/0, to_number("x")) must give review, never an
// undefined value that lets a rule pass. Topdown raises such errors with
// StrictBuiltinErrors. OPA's Wasm policies implement many builtins natively
// and turn their errors into undefined, without a word, so the compiled
// evaluator cannot tell. For custom modules the builtin calls are therefore
// renamed to strict aliases before the Wasm compilation: the compiled policy
// imports them from the host, which runs OPA's Go implementation and stops
// the evaluation on an error, so topdown decides that device and reports the
// failing rule. The built-in catalogue keeps the native calls: its Rego tests
// run with builtin errors raised, and the compiled and topdown evaluators
// are compared on the test fleet.

// strictPrefix starts the name of a strict alias; the rest is the builtin's
// name with dots as underscores.
const strictPrefix = "mfpscan_strict_"

// notRenamed are the calls that cannot fail after type checking, or that
// OPA's planner treats as language constructs rather than calls.
var notRenamed = map[string]bool{
	"eq": true, "assign": true, "equal": true, "neq": true, "lt": true, "gt": true, "lte": true, "gte": true,
	"walk": true, "print": true, "trace": true,
}

func strictName(builtin string) string {
	return strictPrefix + strings.ReplaceAll(builtin, ".", "_")
}

// strictModules returns copies of the named modules with every renamable
// builtin call replaced by its strict alias, and the aliases (alias name →
// builtin name) to declare and resolve.
func strictModules(modules map[string]*ast.Module, names map[string]bool) (map[string]*ast.Module, map[string]string) {
	aliases := map[string]string{}
	out := make(map[string]*ast.Module, len(modules))
	rename := func(op *ast.Term) *ast.Term {
		ref, ok := op.Value.(ast.Ref)
		if !ok {
			return op
		}
		name := ref.String()
		b := ast.BuiltinMap[name]
		if b == nil || notRenamed[name] || strings.HasPrefix(name, "internal.") || b.Relation {
			return op
		}
		alias := strictName(name)
		aliases[alias] = name
		return ast.NewTerm(ast.Ref{ast.VarTerm(alias)}).SetLocation(op.Location)
	}
	for n, m := range modules {
		if !names[n] {
			out[n] = m
			continue
		}
		cp := m.Copy()
		ast.WalkExprs(cp, func(e *ast.Expr) bool {
			if terms, ok := e.Terms.([]*ast.Term); ok && len(terms) > 0 {
				terms[0] = rename(terms[0])
			}
			return false
		})
		ast.WalkTerms(cp, func(t *ast.Term) bool {
			if call, ok := t.Value.(ast.Call); ok && len(call) > 0 {
				call[0] = rename(call[0])
			}
			return false
		})
		out[n] = cp
	}
	return out, aliases
}

// strictCapabilities are caps plus a declaration for each alias, typed as
// its builtin.
func strictCapabilities(caps *ast.Capabilities, aliases map[string]string) *ast.Capabilities {
	for alias, name := range aliases {
		b := ast.BuiltinMap[name]
		caps.Builtins = append(caps.Builtins, &ast.Builtin{Name: alias, Decl: b.Decl})
	}
	return caps
}
