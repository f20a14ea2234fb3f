package reports

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/policies"
	"github.com/mfpscan/mfpscan/reports/sarifcheck"
)

// relatedRun evaluates the built-in catalogue on a Canon device whose
// port 443 accepts SSL 3.0: MFP-TLS-001 fails for it, MFP-TLS-002 and
// MFP-TLS-004 point at that result.
func relatedRun(t *testing.T) *Run {
	t.Helper()
	e, err := policies.Load(context.Background(), policies.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := &facts.Device{
		SchemaVersion: facts.SchemaVersion, Address: "127.77.0.20", Family: "ipv4", IPClass: "loopback",
		Identity: canonID("iR-ADV C5535", "REL00001"),
		TLS: []facts.TLSService{{Port: 443, Status: facts.StatusOK,
			Versions: map[string]bool{"ssl3": true, "tls1_0": false, "tls1_1": false, "tls1_2": true, "tls1_3": false}}},
		Collectors: map[string]facts.CollectorStatus{"tls": {Status: facts.StatusOK}},
	}
	res, err := e.Evaluate(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	return &Run{Scan: facts.Scan{Tool: "mfpscan", Version: "1.2.3", StartedAt: t0, FinishedAt: t0}, Devices: []*facts.Device{d},
		Rules: e.Rules(), Results: res, Site: "related"}
}

// Issue 12 item 10 in SARIF: the root result fails once and lists its
// consequences; each consequence is informational with the root as related
// location and properties.related naming its rule and fingerprint. For
// GitHub (which ignores kind) the consequences are left out.
func TestSARIFRelated(t *testing.T) {
	run := relatedRun(t)
	p, log := writeSARIF(t, run, SARIFOptions{})
	sarifcheck.Validate(t, p)
	byRule := map[string][]*sarifResult{}
	for _, r := range log.Runs[0].Results {
		byRule[r.RuleID] = append(byRule[r.RuleID], r)
	}
	if n := len(byRule["MFP-TLS-001"]); n != 1 || byRule["MFP-TLS-001"][0].Kind != "fail" {
		t.Fatalf("MFP-TLS-001 results = %+v, want one failing result", byRule["MFP-TLS-001"])
	}
	root := byRule["MFP-TLS-001"][0]
	if root.Level != "error" || len(root.RelatedLocations) != 2 {
		t.Errorf("root level %s, related locations %d; want error (critical through MFP-TLS-002) and 2", root.Level, len(root.RelatedLocations))
	}
	rootFP := root.PartialFingerprints[fingerprintKey]
	for _, id := range []string{"MFP-TLS-002", "MFP-TLS-004"} {
		rs := byRule[id]
		if len(rs) != 1 {
			t.Fatalf("%s: %d results, want 1", id, len(rs))
		}
		r := rs[0]
		if r.Kind != "informational" || r.Level != "none" {
			t.Errorf("%s: kind %s level %s, want informational/none", id, r.Kind, r.Level)
		}
		if len(r.RelatedLocations) != 1 || r.RelatedLocations[0].PhysicalLocation.Region.StartLine != root.Locations[0].PhysicalLocation.Region.StartLine {
			t.Errorf("%s: related locations %+v, want the root's line", id, r.RelatedLocations)
		}
		rel, _ := json.Marshal(r.Properties["related"])
		if !strings.Contains(string(rel), `"rule_id":"MFP-TLS-001"`) || !strings.Contains(string(rel), rootFP) {
			t.Errorf("%s: properties.related = %s, want MFP-TLS-001 with fingerprint %s", id, rel, rootFP)
		}
	}
	p, log = writeSARIF(t, run, SARIFOptions{OmitSuppressed: true})
	sarifcheck.Validate(t, p)
	for _, r := range log.Runs[0].Results {
		if r.Kind != "fail" {
			t.Errorf("GitHub SARIF keeps %s with kind %s", r.RuleID, r.Kind)
		}
	}
}

func TestJSONCSVHTMLRelated(t *testing.T) {
	run := relatedRun(t)
	rows := csvRows(t, run)
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	found := 0
	for _, row := range rows[1:] {
		if row[col["rule_id"]] == "MFP-TLS-002" {
			found++
			if row[col["status"]] != "related" || row[col["related"]] != "MFP-TLS-001 /tls/0/versions/ssl3" {
				t.Errorf("CSV MFP-TLS-002: status %q related %q", row[col["status"]], row[col["related"]])
			}
		}
	}
	if found != 1 {
		t.Errorf("CSV has %d MFP-TLS-002 rows, want 1", found)
	}
	var buf bytes.Buffer
	if err := (HTMLWriter{}).Write(&buf, run); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Same root cause as MFP-TLS-001 <code>/tls/0/versions/ssl3</code>", "Also the cause of: MFP-TLS-002 MFP-TLS-004", `badge st-related`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	f := BuildFindings(run)
	if got := f.Summary.ByStatus[policies.StatusRelated]; got != 2 {
		t.Errorf("findings.json by_status.related = %d, want 2", got)
	}
	if got := f.Summary.ByStatus[policies.StatusFail]; got != 1 {
		t.Errorf("findings.json by_status.fail = %d, want 1 (SSL 3.0 fails once)", got)
	}
	if got := f.Summary.BySeverity["critical"]; got != 1 {
		t.Errorf("critical failures = %d, want 1: the root carries MFP-TLS-002's severity", got)
	}
}

// Issue 12 item 11: a rule checking a Security Policy category carries key
// point 10 beside its own, as tag and as taxonomy relationship.
func TestSARIFRuleAlsoKeyPoint10(t *testing.T) {
	d := ruleDescriptor(policies.Rule{ID: "MFP-SNMP-001", Title: "SNMPv1 is enabled", Severity: "high", GuidePoint: 4,
		SecurityPolicy: "Network", AlsoGuidePoints: []int{10}, Remediation: "x"})
	tags, _ := d.Properties["tags"].([]string)
	for _, want := range []string{"guide-point-4", "guide-point-10", "security-policy/network"} {
		if !strings.Contains(strings.Join(tags, " "), want) {
			t.Errorf("tags %v lack %s", tags, want)
		}
	}
	if len(d.Relationships) != 2 || d.Relationships[1].Target.ID != "10" || *d.Relationships[1].Target.Index != 9 {
		t.Errorf("relationships = %+v, want key points 4 and 10", d.Relationships)
	}
	if !strings.Contains(d.Help.Text, "Security Policy category Network: key point 10") {
		t.Errorf("help text does not name the Security Policy category: %s", d.Help.Text)
	}
}
