package policies

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// outVar is the query variable holding every rule's sets.
const outVar = "out"

// catalogueQuery is a prepared query over some rules and where its output
// holds each rule's sets.
type catalogueQuery struct {
	pq   rego.PreparedEvalQuery
	plan queryPlan
}

// prepare builds and prepares the single query that returns, for every
// enabled rule, the elements of its not_applicable, deny and review sets.
// One query for the whole catalogue means one evaluation per device.
func (e *Engine) prepare(ctx context.Context) error {
	q, err := e.prepareQuery(ctx, e.enabled)
	if err != nil {
		var astErrs ast.Errors
		if errors.As(err, &astErrs) {
			return compileError("prepare policy query", astErrs)
		}
		return fmt.Errorf("prepare policy query: %w", err)
	}
	e.query = q
	return nil
}

func (e *Engine) prepareQuery(ctx context.Context, rules []*ruleEntry) (catalogueQuery, error) {
	plan := buildQuery(rules)
	pq, err := rego.New(
		rego.Query(plan.text),
		rego.Compiler(e.compiler),
		rego.Store(e.store),
		rego.GenerateJSON(keepTerm),
		rego.Capabilities(Capabilities()),
		// A builtin that fails raises an error, which turns the rule into
		// review (evaluateEachRule); undefined would let the rule pass.
		rego.StrictBuiltinErrors(true),
	).PrepareForEval(ctx)
	return catalogueQuery{pq: pq, plan: plan}, err
}

// keepTerm hands the query's result over as an OPA term: result converts
// only the elements that decide a status to Go values, instead of OPA
// converting every set (a large share of the allocations per device).
func keepTerm(t *ast.Term, _ *rego.EvalContext) (any, error) { return t, nil }

// queryPlan is the text of a catalogue query and the place of every rule's
// sets in its output, an array of slots.
type queryPlan struct {
	text  string
	slots int
	sets  [][3]setLoc // per rule, indexed like resultSets
}

// setLoc locates one set in the output. A slot holds either a set or a
// group: an array that is empty when the group's guard failed (so each of
// its sets was skipped) and otherwise holds one tuple of sets.
type setLoc struct {
	slot    int // -1: the package defines no such set
	inGroup int // -1: the slot holds the set itself
}

var noSet = setLoc{slot: -1, inGroup: -1}

// buildQuery writes the query binding outVar to a one-element array holding
// the slots; see queryPlan. Comprehensions keep a package that lacks a set
// (or whose set is undefined) from making the whole query undefined, and
// everything sits in one outer comprehension so that OPA reports one
// expression and one binding, not one per set.
//
// A rule's sets are evaluated in status order and a set is only evaluated
// while every earlier one is empty: result gives a not-applicable rule no
// findings and a failing rule no review reasons, so the later sets could not
// change any result. The sets that are evaluated are evaluated in full. A
// side effect: an evaluation error in a skipped set (e.g. a conflict in the
// review set of a failing rule) is no longer reported, since that set is
// never evaluated.
//
// A set that only copies other documents (see aliasSources) is read from
// those documents. When it is a rule's first set, it is bound once for
// every rule with the same definition (most rules share
// lib.mfp_not_applicable), and the later sets of all those rules are
// evaluated together in one group, behind one test that the shared set is
// empty. That spares, per rule, one set evaluation and one comprehension
// with its guard; the catalogue has few definitions and many rules.
func buildQuery(rules []*ruleEntry) queryPlan {
	q := &queryBuilder{shared: map[string]sharedSet{}, groups: map[string]*setGroup{}}
	plan := queryPlan{sets: make([][3]setLoc, len(rules))}
	for i, ent := range rules {
		plan.sets[i] = q.rule(ent, i)
	}
	for _, g := range q.groupOrder {
		fmt.Fprintf(&q.body, "%s := [[%s] | %s; %s]; ", g.name, strings.Join(g.members, ", "), g.guard, strings.TrimSuffix(g.body.String(), "; "))
	}
	plan.slots = len(q.slots)
	plan.text = fmt.Sprintf("%s := [slots | %sslots := [%s]]", outVar, q.body.String(), strings.Join(q.slots, ", "))
	return plan
}

// queryBuilder accumulates the body of the catalogue query.
type queryBuilder struct {
	body       strings.Builder
	slots      []string             // output variables, in slot order
	shared     map[string]sharedSet // by copied documents
	groups     map[string]*setGroup // by guard
	groupOrder []*setGroup
}

// sharedSet names the variables of one shared first set: its elements and
// whether it is empty.
type sharedSet struct{ value, empty string }

// setGroup gathers the sets evaluated behind one shared guard.
type setGroup struct {
	name, guard string
	slot        int
	body        strings.Builder
	members     []string // set variables, in tuple order
}

// rule writes the expressions for rule i's sets and returns where they are.
func (q *queryBuilder) rule(ent *ruleEntry, i int) [3]setLoc {
	locs := [3]setLoc{noSet, noSet, noSet}
	var guards []string // conditions for evaluating the next set
	var group *setGroup
	for k, set := range resultSets {
		if !ent.sets[set] {
			continue
		}
		v := fmt.Sprintf("%c%d", set[0], i)
		switch srcs := ent.alias[set]; {
		case group != nil:
			locs[k] = setLoc{slot: group.slot, inGroup: len(group.members)}
			guards = append(guards, setExpr(&group.body, v, ent, set, guards))
			group.members = append(group.members, v)
		case len(guards) == 0 && len(srcs) > 0:
			shared := q.sharedFirst(srcs)
			locs[k] = setLoc{slot: q.slot(shared.value), inGroup: -1}
			group = q.group(shared.empty)
		default:
			guards = append(guards, setExpr(&q.body, v, ent, set, guards))
			locs[k] = setLoc{slot: q.slot(v), inGroup: -1}
		}
	}
	return locs
}

// setExpr writes `v := <set>` for one set, evaluated only while every guard
// holds, and returns the condition that v is empty.
func setExpr(w *strings.Builder, v string, ent *ruleEntry, set string, guards []string) (emptyGuard string) {
	ref := ent.pkg.Append(ast.StringTerm(set))
	switch srcs := ent.alias[set]; {
	case len(guards) == 0 && ent.partial[set]:
		// Always defined (empty when no body holds): no comprehension needed.
		fmt.Fprintf(w, "%s := %s; ", v, ref)
	case len(srcs) > 0:
		fmt.Fprintf(w, "%s := %s; ", v, copyUnion(srcs, guards))
	default:
		fmt.Fprintf(w, "%s := [x | %ssome x in %s]; ", v, guardPrefix(guards), ref)
	}
	return fmt.Sprintf("count(%s) == 0", v)
}

// slot gives v a place in the output, once.
func (q *queryBuilder) slot(v string) int {
	for i, s := range q.slots {
		if s == v {
			return i
		}
	}
	q.slots = append(q.slots, v)
	return len(q.slots) - 1
}

// group returns the group of sets evaluated only when guard holds.
func (q *queryBuilder) group(guard string) *setGroup {
	if g, ok := q.groups[guard]; ok {
		return g
	}
	g := &setGroup{name: fmt.Sprintf("g%d", len(q.groupOrder)), guard: guard}
	g.slot = q.slot(g.name)
	q.groups[guard] = g
	q.groupOrder = append(q.groupOrder, g)
	return g
}

// sharedFirst binds (once per definition) a first set that copies srcs. A
// source shared by several definitions (lib.mfp_not_applicable is part of
// most) is itself read once.
func (q *queryBuilder) sharedFirst(srcs []ast.Ref) sharedSet {
	key := ast.NewArray(refTerms(srcs)...).String()
	if s, ok := q.shared[key]; ok {
		return s
	}
	parts := make([]string, len(srcs))
	for i, src := range srcs {
		parts[i] = q.sourceVar(src)
	}
	if len(srcs) == 1 {
		return q.shared[key]
	}
	s := q.newShared(strings.Join(parts, " | "))
	q.shared[key] = s
	return s
}

// sourceVar binds the elements of one copied document, once.
func (q *queryBuilder) sourceVar(src ast.Ref) string {
	key := ast.NewArray(ast.RefTerm(src...)).String()
	if s, ok := q.shared[key]; ok {
		return s.value
	}
	s := q.newShared(copyUnion([]ast.Ref{src}, nil))
	q.shared[key] = s
	return s.value
}

func (q *queryBuilder) newShared(expr string) sharedSet {
	n := len(q.shared)
	s := sharedSet{value: fmt.Sprintf("a%d", n), empty: fmt.Sprintf("e%d", n)}
	fmt.Fprintf(&q.body, "%s := %s; %s := count(%s) == 0; ", s.value, expr, s.empty, s.value)
	return s
}

// copyUnion is the set of the elements of every source, evaluated only when
// every guard holds (and empty otherwise), as the copying set would be.
func copyUnion(srcs []ast.Ref, guards []string) string {
	parts := make([]string, len(srcs))
	for i, src := range srcs {
		parts[i] = fmt.Sprintf("{x | %ssome x in %s}", guardPrefix(guards), src)
	}
	return strings.Join(parts, " | ")
}

func guardPrefix(guards []string) string {
	var b strings.Builder
	for _, g := range guards {
		b.WriteString(g)
		b.WriteString("; ")
	}
	return b.String()
}

func refTerms(refs []ast.Ref) []*ast.Term {
	out := make([]*ast.Term, len(refs))
	for i, r := range refs {
		out[i] = ast.RefTerm(r...)
	}
	return out
}

// evalQuery runs q on one input and returns each rule's sets.
func evalQuery(ctx context.Context, q catalogueQuery, input ast.Value) ([]ruleSets, error) {
	rs, err := q.pq.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return nil, err
	}
	if len(rs) != 1 {
		return nil, fmt.Errorf("query returned %d results, want 1", len(rs))
	}
	t, _ := rs[0].Bindings[outVar].(*ast.Term)
	if t == nil {
		return nil, fmt.Errorf("query returned %T, want a term", rs[0].Bindings[outVar])
	}
	return q.plan.decode(t)
}

// decode reads each rule's sets out of the value the query binds to outVar.
func (plan queryPlan) decode(t *ast.Term) ([]ruleSets, error) {
	wrap, ok := t.Value.(*ast.Array)
	if !ok || wrap.Len() != 1 {
		return nil, fmt.Errorf("query returned %v, want a one-element array", t)
	}
	slots, ok := wrap.Elem(0).Value.(*ast.Array)
	if !ok || slots.Len() != plan.slots {
		return nil, fmt.Errorf("query returned %v, want %d slots", wrap.Elem(0), plan.slots)
	}
	out := make([]ruleSets, len(plan.sets))
	for i, locs := range plan.sets {
		for k, loc := range locs {
			elems, err := setAt(slots, loc)
			if err != nil {
				return nil, err
			}
			out[i][k] = setElems{terms: elems}
		}
	}
	return out, nil
}

// setAt returns the elements of the set at loc; none when the rule lacks
// the set or its group was skipped.
func setAt(slots *ast.Array, loc setLoc) ([]*ast.Term, error) {
	if loc.slot < 0 {
		return nil, nil
	}
	v := slots.Elem(loc.slot)
	if loc.inGroup >= 0 {
		group, ok := v.Value.(*ast.Array)
		if !ok || group.Len() > 1 {
			return nil, fmt.Errorf("query returned %v for a group, want an array of at most one tuple", v)
		}
		if group.Len() == 0 {
			return nil, nil
		}
		tuple, ok := group.Elem(0).Value.(*ast.Array)
		if !ok || loc.inGroup >= tuple.Len() {
			return nil, fmt.Errorf("query returned %v for a group tuple, want at least %d sets", group.Elem(0), loc.inGroup+1)
		}
		v = tuple.Elem(loc.inGroup)
	}
	switch elems := v.Value.(type) {
	case *ast.Array:
		out := make([]*ast.Term, elems.Len())
		for j := range elems.Len() {
			out[j] = elems.Elem(j)
		}
		return out, nil
	case ast.Set:
		// A set bound directly; Slice is in the order iteration uses.
		return elems.Slice(), nil
	}
	return nil, fmt.Errorf("query returned %v for a set, want an array or a set", v)
}
