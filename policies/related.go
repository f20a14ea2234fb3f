package policies

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// Ref names one finding of a rule on the same device by the fingerprint
// reports give it (SARIF partialFingerprints, findings.json).
type Ref struct {
	RuleID      string `json:"rule_id"`
	Fact        string `json:"fact,omitempty"`
	Fingerprint string `json:"fingerprint"`
}

// Fingerprint is the stable identity of one finding: rule, device identity
// (not its address, so a DHCP change keeps the alert) and a discriminator
// telling apart several findings of one rule on one device (FindingKeys).
// SARIF partialFingerprints and findings.json's related refs both use it.
func Fingerprint(ruleID, deviceID, discriminator string) string {
	h := sha256.Sum256([]byte(ruleID + "\x00" + deviceID + "\x00" + discriminator))
	return hex.EncodeToString(h[:])
}

// Device is the identity a result's fingerprints are keyed on: the device
// id, or the address when the document had none.
func (r Result) Device() string {
	if r.DeviceID != "" {
		return r.DeviceID
	}
	return "address:" + r.Address
}

// FindingKeys gives each finding its discriminator: its fact, with "#n"
// added to the n-th repeat of a fact within the result.
func FindingKeys(findings []Finding) []string {
	seen := map[string]int{}
	out := make([]string, len(findings))
	for i, f := range findings {
		out[i] = f.Fact
		if n := seen[f.Fact]; n > 0 {
			out[i] = fmt.Sprintf("%s#%d", f.Fact, n)
		}
		seen[f.Fact]++
	}
	return out
}

// relations is the catalogue's related_to graph, checked at Load.
type relations struct {
	// order lists the rules that have related_to, each after every rule it
	// names, so a chain resolves to its first root in one pass.
	order []string
	to    map[string][]string
}

// buildRelations checks that every related_to names a rule of the
// catalogue and that no rule is, through others, its own root cause (a
// cycle would let every rule of it point at another and none fail).
func buildRelations(rules []Rule) (*relations, error) {
	known := make(map[string]bool, len(rules))
	for _, r := range rules {
		known[r.ID] = true
	}
	rel := &relations{to: map[string][]string{}}
	var ids []string
	for _, r := range rules {
		if len(r.RelatedTo) == 0 {
			continue
		}
		for _, t := range r.RelatedTo {
			if !known[t] {
				return nil, fmt.Errorf("load policies: rule %s: related_to names %s, which is not in the catalogue", r.ID, t)
			}
		}
		rel.to[r.ID] = r.RelatedTo
		ids = append(ids, r.ID)
	}
	sort.Strings(ids)
	const (
		visiting = 1
		done     = 2
	)
	state := map[string]int{}
	var visit func(id string, path []string) error
	visit = func(id string, path []string) error {
		switch state[id] {
		case done:
			return nil
		case visiting:
			return fmt.Errorf("load policies: related_to forms a cycle: %s", strings.Join(append(path, id), " → "))
		}
		state[id] = visiting
		for _, t := range rel.to[id] {
			if err := visit(t, append(path, id)); err != nil {
				return err
			}
		}
		state[id] = done
		if len(rel.to[id]) > 0 {
			rel.order = append(rel.order, id)
		}
		return nil
	}
	for _, id := range ids {
		if err := visit(id, nil); err != nil {
			return nil, err
		}
	}
	return rel, nil
}

// rootOf is a root finding: results[res].Findings[finding].
type rootOf struct{ res, finding int }

// relate is the post-pass of one device's results: a failing finding whose
// root-cause key matches a finding of a failing rule it is related_to
// points at that finding (or at the root that one points at). A result
// whose every finding points elsewhere gets status related; the root
// result takes the highest severity of the results pointing at it, so
// --fail-on and severity totals never drop because rules fold together.
// Only fail changes, and only to related: a rule never passes because its
// root cause failed.
func (rel *relations) relate(results []Result) {
	if rel == nil || len(rel.order) == 0 {
		return
	}
	byID := make(map[string]int, len(results))
	for i, r := range results {
		byID[r.RuleID] = i
	}
	// roots remembers, per result and finding, the root a pointing finding
	// resolved to, so chains end at a finding that fails itself.
	roots := map[rootOf]rootOf{}
	for _, id := range rel.order {
		i, ok := byID[id]
		if !ok || results[i].Status != StatusFail {
			continue
		}
		r := &results[i]
		pointed := 0
		for k := range r.Findings {
			root, ok := rel.findRoot(results, byID, roots, id, rootKey(r.Findings[k]))
			if !ok {
				continue
			}
			roots[rootOf{i, k}] = root
			pointed++
		}
		if pointed > 0 && pointed == len(r.Findings) {
			r.Status = StatusRelated
		}
	}
	link(results, roots)
}

// findRoot looks for the finding, in the rules id is related_to, that
// fails for key.
func (rel *relations) findRoot(results []Result, byID map[string]int, roots map[rootOf]rootOf, id, key string) (rootOf, bool) {
	if key == "" {
		return rootOf{}, false
	}
	for _, t := range rel.to[id] {
		j, ok := byID[t]
		if !ok {
			continue // disabled: it decides nothing
		}
		if st := results[j].Status; st != StatusFail && st != StatusRelated {
			continue // a waived root does not carry other rules' failures
		}
		for k, g := range results[j].Findings {
			if rootKey(g) != key {
				continue
			}
			if up, ok := roots[rootOf{j, k}]; ok {
				return up, true
			}
			return rootOf{j, k}, true
		}
	}
	return rootOf{}, false
}

// link writes the refs both ways and raises each root result's severity.
func link(results []Result, roots map[rootOf]rootOf) {
	if len(roots) == 0 {
		return
	}
	keys := make([][]string, len(results))
	fp := func(i, k int) Ref {
		if keys[i] == nil {
			keys[i] = FindingKeys(results[i].Findings)
		}
		r := results[i]
		return Ref{RuleID: r.RuleID, Fact: r.Findings[k].Fact, Fingerprint: Fingerprint(r.RuleID, r.Device(), keys[i][k])}
	}
	from := make([]rootOf, 0, len(roots))
	for f := range roots {
		from = append(from, f)
	}
	sort.Slice(from, func(a, b int) bool {
		if from[a].res != from[b].res {
			return from[a].res < from[b].res
		}
		return from[a].finding < from[b].finding
	})
	for _, f := range from {
		to := roots[f]
		rootRef, depRef := fp(to.res, to.finding), fp(f.res, f.finding)
		dep, root := &results[f.res], &results[to.res]
		dep.Findings[f.finding].Related = &rootRef
		if !hasRef(dep.Related, rootRef) {
			dep.Related = append(dep.Related, rootRef)
		}
		rf := &root.Findings[to.finding]
		rf.Consequences = append(rf.Consequences, depRef)
		if SeverityRank(dep.Severity) > SeverityRank(root.Severity) {
			root.Severity = dep.Severity
		}
	}
}

func hasRef(refs []Ref, r Ref) bool {
	for _, x := range refs {
		if x.Fingerprint == r.Fingerprint {
			return true
		}
	}
	return false
}

// rootKey is what related findings are matched on.
func rootKey(f Finding) string {
	if f.RootCause != "" {
		return f.RootCause
	}
	return f.Fact
}
