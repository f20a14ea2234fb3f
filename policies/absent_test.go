package policies

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/internal/testfile"
)

// TestAbsentBooleanFactNeverPasses removes, one at a time, each boolean
// fact a passing rule declares in its METADATA (custom.facts) and checks
// that the rule no longer passes: the facts documents omit unknown
// booleans, and an unknown fact must give review, never pass. (In Rego,
// `not is_boolean(input.a.b)` is false when b is absent, which once let
// such rules pass.)
func TestAbsentBooleanFactNeverPasses(t *testing.T) {
	e := loadBuiltin(t)
	checked := 0
	for _, dev := range testfile.Devices(t, inputFixture) {
		raw := mustJSON(t, dev)
		before := mustEvalJSON(t, e, raw)
		for _, rule := range e.Rules() {
			if statusOf(before, rule.ID) != StatusPass {
				continue
			}
			for _, path := range rule.Facts {
				doc, ok := withoutBoolean(t, raw, path)
				if !ok {
					continue
				}
				checked++
				if got := statusOf(mustEvalJSON(t, e, doc), rule.ID); got == StatusPass {
					t.Errorf("%s: %s passes with %s absent", dev.Address, rule.ID, path)
				}
			}
		}
	}
	t.Logf("%d rule × fact cases", checked)
	if checked < 50 {
		t.Fatalf("only %d rule × fact cases checked; the fixture no longer exercises boolean facts", checked)
	}
}

// withoutBoolean returns the document with the boolean at the JSON pointer
// path removed, or false when there is no boolean there.
func withoutBoolean(t *testing.T, raw []byte, path string) ([]byte, bool) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	parent := doc
	for _, p := range parts[:len(parts)-1] {
		next, ok := parent[p].(map[string]any)
		if !ok {
			return nil, false
		}
		parent = next
	}
	last := parts[len(parts)-1]
	if _, ok := parent[last].(bool); !ok {
		return nil, false
	}
	delete(parent, last)
	return mustJSON(t, doc), true
}

// TestMissingSectionNeverPasses removes, one at a time, each section of the
// facts a collector fills, marks that collector timed out (as the pipeline
// records it), and checks that no rule whose declared facts all lie in that
// section passes: with its facts missing, a rule can be not applicable or
// reviewed, but it cannot claim the device is fine. (A rule that also
// declares facts elsewhere may legitimately decide on those, e.g. IPP
// without TLS passes when the open ports show no IPP port at all.)
func TestMissingSectionNeverPasses(t *testing.T) {
	e := loadBuiltin(t)
	sections := map[string]string{ // section → collector that fills it
		"ports":       "discovery",
		"tls":         "tls",
		"snmp":        "snmp",
		"remote_ui":   "http",
		"ipp":         "ipp",
		"firmware":    "advisories",
		"credentials": "credentials",
	}
	checked := 0
	for _, dev := range testfile.Devices(t, inputFixture) {
		raw := mustJSON(t, dev)
		for section, collector := range sections {
			var doc map[string]any
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatal(err)
			}
			delete(doc, section)
			collectors, _ := doc["collectors"].(map[string]any)
			if collectors == nil {
				collectors = map[string]any{}
				doc["collectors"] = collectors
			}
			collectors[collector] = map[string]any{"status": "timeout", "reason": "test"}
			rs := mustEvalJSON(t, e, mustJSON(t, doc))
			for _, rule := range e.Rules() {
				if !readsOnly(rule, section) {
					continue
				}
				checked++
				if got := statusOf(rs, rule.ID); got == StatusPass {
					t.Errorf("%s: %s passes with /%s missing (%s collector timed out)", dev.Address, rule.ID, section, collector)
				}
			}
		}
	}
	if checked < 300 {
		t.Fatalf("only %d rule × section cases checked", checked)
	}
}

// readsOnly reports whether every fact rule declares lies in section.
func readsOnly(rule Rule, section string) bool {
	for _, f := range rule.Facts {
		if f != "/"+section && !strings.HasPrefix(f, "/"+section+"/") {
			return false
		}
	}
	return len(rule.Facts) > 0
}
