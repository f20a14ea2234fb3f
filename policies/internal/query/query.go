// Package query writes the one Rego query that evaluates a whole rule
// catalogue on a device, and reads each rule's sets back out of its result.
// It is the speed machinery of package policies: one query per device
// instead of one per rule, sets read in status order, shared sets read
// once.
package query

import (
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// ResultSets are the three rule sets of the contract, in status order.
var ResultSets = []string{"not_applicable", "deny", "review"}

// Rule is what the query needs of one catalogue rule.
type Rule struct {
	Pkg  ast.Ref         // the rule's package
	Sets map[string]bool // which of ResultSets it defines
	// Partial marks the sets defined only by `contains` rules: such a set is
	// always defined (empty when no rule body holds), so the query can bind
	// it directly instead of through a comprehension.
	Partial map[string]bool
	// Alias holds, for a set whose every rule only copies the elements of
	// other data (`not_applicable contains r if some r in
	// lib.mfp_not_applicable`), the documents it copies. The query reads
	// those directly, so rules sharing a set definition share one evaluation.
	Alias map[string][]ast.Ref
}

// OutVar is the query variable holding every rule's sets.
const OutVar = "out"

// Plan is the text of a catalogue query and the place of every rule's
// sets in its output, an array of slots.
type Plan struct {
	Text  string
	Slots int
	Sets  [][3]Loc // per rule, indexed like ResultSets
}

// Loc locates one set in the output. A slot holds either a set or a
// group: an array that is empty when the group's guard failed (so each of
// its sets was skipped) and otherwise holds one tuple of sets.
type Loc struct {
	Slot    int // -1: the package defines no such set
	InGroup int // -1: the slot holds the set itself
}

var noSet = Loc{Slot: -1, InGroup: -1}

// Build writes the query binding OutVar to a one-element array holding
// the slots; see Plan. Comprehensions keep a package that lacks a set
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
func Build(rules []*Rule) Plan {
	q := &queryBuilder{shared: map[string]sharedSet{}, groups: map[string]*setGroup{}}
	plan := Plan{Sets: make([][3]Loc, len(rules))}
	for i, ent := range rules {
		plan.Sets[i] = q.rule(ent, i)
	}
	for _, g := range q.groupOrder {
		fmt.Fprintf(&q.body, "%s := [[%s] | %s; %s]; ", g.name, strings.Join(g.members, ", "), g.guard, strings.TrimSuffix(g.body.String(), "; "))
	}
	plan.Slots = len(q.slots)
	plan.Text = fmt.Sprintf("%s := [slots | %sslots := [%s]]", OutVar, q.body.String(), strings.Join(q.slots, ", "))
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
func (q *queryBuilder) rule(ent *Rule, i int) [3]Loc {
	locs := [3]Loc{noSet, noSet, noSet}
	var guards []string // conditions for evaluating the next set
	var group *setGroup
	for k, set := range ResultSets {
		if !ent.Sets[set] {
			continue
		}
		v := fmt.Sprintf("%c%d", set[0], i)
		switch srcs := ent.Alias[set]; {
		case group != nil:
			locs[k] = Loc{Slot: group.slot, InGroup: len(group.members)}
			guards = append(guards, setExpr(&group.body, v, ent, set, guards))
			group.members = append(group.members, v)
		case len(guards) == 0 && len(srcs) > 0:
			shared := q.sharedFirst(srcs)
			locs[k] = Loc{Slot: q.slot(shared.value), InGroup: -1}
			group = q.group(shared.empty)
		default:
			guards = append(guards, setExpr(&q.body, v, ent, set, guards))
			locs[k] = Loc{Slot: q.slot(v), InGroup: -1}
		}
	}
	return locs
}

// setExpr writes `v := <set>` for one set, evaluated only while every guard
// holds, and returns the condition that v is empty.
func setExpr(w *strings.Builder, v string, ent *Rule, set string, guards []string) (emptyGuard string) {
	ref := ent.Pkg.Append(ast.StringTerm(set))
	switch srcs := ent.Alias[set]; {
	case len(guards) == 0 && ent.Partial[set]:
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

// Decode reads each rule's sets out of the value the query binds to OutVar,
// indexed like the rules given to Build, then like ResultSets.
func (plan Plan) Decode(t *ast.Term) ([][3][]*ast.Term, error) {
	wrap, ok := t.Value.(*ast.Array)
	if !ok || wrap.Len() != 1 {
		return nil, fmt.Errorf("query returned %v, want a one-element array", t)
	}
	slots, ok := wrap.Elem(0).Value.(*ast.Array)
	if !ok || slots.Len() != plan.Slots {
		return nil, fmt.Errorf("query returned %v, want %d slots", wrap.Elem(0), plan.Slots)
	}
	return decodeSets(plan, slots, setAt)
}

// decodeSets reads each rule's three sets out of the slots with at: the
// plan's layout is the same whichever evaluator filled the slots.
func decodeSets[S, E any](plan Plan, slots S, at func(S, Loc) ([]E, error)) ([][3][]E, error) {
	out := make([][3][]E, len(plan.Sets))
	for i, locs := range plan.Sets {
		for k, loc := range locs {
			elems, err := at(slots, loc)
			if err != nil {
				return nil, err
			}
			out[i][k] = elems
		}
	}
	return out, nil
}

// setAt returns the elements of the set at loc; none when the rule lacks
// the set or its group was skipped.
func setAt(slots *ast.Array, loc Loc) ([]*ast.Term, error) {
	if loc.Slot < 0 {
		return nil, nil
	}
	v := slots.Elem(loc.Slot)
	if loc.InGroup >= 0 {
		group, ok := v.Value.(*ast.Array)
		if !ok || group.Len() > 1 {
			return nil, fmt.Errorf("query returned %v for a group, want an array of at most one tuple", v)
		}
		if group.Len() == 0 {
			return nil, nil
		}
		tuple, ok := group.Elem(0).Value.(*ast.Array)
		if !ok || loc.InGroup >= tuple.Len() {
			return nil, fmt.Errorf("query returned %v for a group tuple, want at least %d sets", group.Elem(0), loc.InGroup+1)
		}
		v = tuple.Elem(loc.InGroup)
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

// DecodeJSON is Decode for a result that arrived as JSON (from the
// compiled evaluator), where the slots are arrays; the elements are the Go
// values JSON gives, in no particular order.
func (plan Plan) DecodeJSON(slots []any) ([][3][]any, error) {
	if len(slots) != plan.Slots {
		return nil, fmt.Errorf("compiled result: %d slots, want %d", len(slots), plan.Slots)
	}
	return decodeSets(plan, slots, jsonSetAt)
}

// jsonSetAt is setAt for the compiled result, where sets arrive as arrays.
func jsonSetAt(slots []any, loc Loc) ([]any, error) {
	if loc.Slot < 0 {
		return nil, nil
	}
	v := slots[loc.Slot]
	if loc.InGroup >= 0 {
		group, ok := v.([]any)
		if !ok || len(group) > 1 {
			return nil, fmt.Errorf("compiled result: %v for a group, want at most one tuple", v)
		}
		if len(group) == 0 {
			return nil, nil
		}
		tuple, ok := group[0].([]any)
		if !ok || loc.InGroup >= len(tuple) {
			return nil, fmt.Errorf("compiled result: %v for a group tuple, want at least %d sets", group[0], loc.InGroup+1)
		}
		v = tuple[loc.InGroup]
	}
	elems, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("compiled result: %v for a set, want an array", v)
	}
	return elems, nil
}
