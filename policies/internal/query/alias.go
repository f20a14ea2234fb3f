package query

import (
	"sort"

	"github.com/open-policy-agent/opa/v1/ast"
)

// AliasSources collects, per result set of one package, the documents that
// set copies, or nil once some rule defining the set does anything else.
type AliasSources map[string][]ast.Ref

// Add records the rule r, which defines the result set named set.
func (a AliasSources) Add(set string, r *ast.Rule) {
	srcs, seen := a[set]
	if seen && srcs == nil {
		return // already known not to be a copy
	}
	src, ok := AliasSource(r)
	if !ok {
		a[set] = nil
		return
	}
	for _, have := range srcs {
		if have.Equal(src) {
			return
		}
	}
	a[set] = append(srcs, src)
}

// Complete returns the sets that are pure copies, with their sources in a
// stable order so equal definitions get equal keys.
func (a AliasSources) Complete() map[string][]ast.Ref {
	out := map[string][]ast.Ref{}
	for set, srcs := range a {
		if len(srcs) == 0 {
			continue
		}
		sorted := append([]ast.Ref(nil), srcs...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i].Compare(sorted[j]) < 0 })
		out[set] = sorted
	}
	return out
}

// AliasSource recognises the compiled form of `S contains x if some x in R`,
// which is `S contains x if x = R[_]`, for a ground data reference R, and
// returns R. Such a set holds exactly the elements (or values) of R.
func AliasSource(r *ast.Rule) (ast.Ref, bool) {
	if r.Default || r.Else != nil || len(r.Head.Args) > 0 || r.Head.RuleKind() != ast.MultiValue ||
		len(r.Head.Ref()) != 1 || len(r.Body) != 1 {
		return nil, false
	}
	elem, ok := r.Head.Key.Value.(ast.Var)
	if !ok {
		return nil, false
	}
	ex := r.Body[0]
	if ex.Negated || len(ex.With) > 0 || !ex.IsEquality() {
		return nil, false
	}
	terms := ex.Terms.([]*ast.Term)
	lhs, rhs := terms[1], terms[2]
	if v, ok := rhs.Value.(ast.Var); ok && v.Equal(elem) {
		lhs, rhs = rhs, lhs
	}
	if v, ok := lhs.Value.(ast.Var); !ok || !v.Equal(elem) {
		return nil, false
	}
	ref, ok := rhs.Value.(ast.Ref)
	if !ok || len(ref) < 3 || !ref[0].Equal(ast.DefaultRootDocument) {
		return nil, false
	}
	key, ok := ref[len(ref)-1].Value.(ast.Var)
	if !ok || key.Equal(elem) {
		return nil, false
	}
	src := ref[:len(ref)-1]
	if !src.IsGround() {
		return nil, false
	}
	return src.Copy(), true
}
