package reports

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/policies"
)

// guidePoints are the ten key points of Canon's "Useful Tips for Reducing the
// Risk of Unauthorized Access" guide, indexed from 1 (element 0 is unused).
var guidePoints = [...]string{
	"",
	"Using MFP in an Environment with Access Control",
	"Using Private IP Addresses",
	"Restricting Communication with Firewalls",
	"Securing the Communication Using Security Protocols",
	"Managing MFP Information with Passwords",
	"Limiting Usage of the Remote UI",
	"Updating the Firmware",
	"Detecting Unauthorized Firmware Modifications",
	"Using the Audit Log",
	"Managing MFPs According to a Security Policy",
}

// GuidePointCount is the number of key points in Canon's guide.
const GuidePointCount = 10

// GuidePointName returns the title of the guide's key point n, or "" outside
// 1..GuidePointCount.
func GuidePointName(n int) string {
	if n < 1 || n >= len(guidePoints) {
		return ""
	}
	return guidePoints[n]
}

// runIndex gives quick access to a run's devices and rules.
type runIndex struct {
	devices map[string]*facts.Device
	rules   map[string]*policies.Rule
}

func indexRun(r *Run) runIndex {
	ix := runIndex{
		devices: make(map[string]*facts.Device, len(r.Devices)),
		rules:   make(map[string]*policies.Rule, len(r.Rules)),
	}
	for _, d := range r.Devices {
		if d != nil {
			ix.devices[d.Address] = d
		}
	}
	for i := range r.Rules {
		if _, dup := ix.rules[r.Rules[i].ID]; !dup {
			ix.rules[r.Rules[i].ID] = &r.Rules[i]
		}
	}
	return ix
}

// sortedRules returns the catalogue without duplicate IDs, ordered by ID, so
// rule indexes and report order do not depend on load order.
func sortedRules(rules []policies.Rule) []policies.Rule {
	seen := make(map[string]bool, len(rules))
	out := make([]policies.Rule, 0, len(rules))
	for _, r := range rules {
		if r.ID == "" || seen[r.ID] {
			continue
		}
		seen[r.ID] = true
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// sortedResults orders results by address (facts.CompareAddress, as the
// policy engine does), then rule ID.
func sortedResults(results []policies.Result) []policies.Result {
	out := append([]policies.Result{}, results...)
	sort.SliceStable(out, func(i, j int) bool {
		if c := facts.CompareAddress(out[i].Address, out[j].Address); c != 0 {
			return c < 0
		}
		return out[i].RuleID < out[j].RuleID
	})
	return out
}

// attr returns an identity attribute's value, "" when absent.
func attr(a *facts.Attribute) string {
	if a == nil {
		return ""
	}
	return a.Value
}

// deviceModel is "vendor model" as far as known.
func deviceModel(d *facts.Device) string {
	if d == nil {
		return ""
	}
	return strings.TrimSpace(attr(d.Identity.Vendor) + " " + attr(d.Identity.Model))
}

// evidenceText renders a finding's evidence as "k=v, k=v" in key order.
func evidenceText(ev map[string]any) string {
	if len(ev) == 0 {
		return ""
	}
	keys := make([]string, 0, len(ev))
	for k := range ev {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteByte('=')
		// fmt's %v, without its reflection, for what evidence mostly
		// holds (TestEvidenceText compares).
		switch v := ev[k].(type) {
		case string:
			b.WriteString(v)
		case json.Number:
			b.WriteString(string(v))
		case bool:
			b.WriteString(strconv.FormatBool(v))
		default:
			fmt.Fprintf(&b, "%v", v)
		}
	}
	return b.String()
}

// relatedText names the root findings a result points at, "RULE fact; ...".
func relatedText(refs []policies.Ref) string {
	parts := make([]string, 0, len(refs))
	for _, r := range refs {
		parts = append(parts, strings.TrimSpace(r.RuleID+" "+r.Fact))
	}
	return strings.Join(parts, "; ")
}

// statusOrder lists statuses from most to least alarming; the HTML matrix
// shows the first one present.
var statusOrder = policies.Statuses

func statusRank(s policies.Status) int {
	for i, v := range statusOrder {
		if v == s {
			return len(statusOrder) - i
		}
	}
	return 0
}

// devicesOf returns the run's non-nil devices ordered by address.
func devicesOf(r *Run) []*facts.Device {
	out := make([]*facts.Device, 0, len(r.Devices))
	for _, d := range r.Devices {
		if d != nil {
			out = append(out, d)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return facts.CompareAddress(out[i].Address, out[j].Address) < 0 })
	return out
}
