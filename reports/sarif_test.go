package reports

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testtable"
	"github.com/mfpscan/mfpscan/policies"
	"github.com/mfpscan/mfpscan/reports/sarifcheck"
)

// writeSARIF writes run's facts files and SARIF into a temp dir and returns
// the SARIF path and parsed log.
func writeSARIF(t *testing.T, run *Run, opts SARIFOptions) (string, *sarifLog) {
	t.Helper()
	dir := t.TempDir()
	paths, err := WriteWith(context.Background(), dir, run, []Writer{&SARIFWriter{Options: opts}})
	if err != nil {
		t.Fatal(err)
	}
	p := paths[len(paths)-1]
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(raw, &log); err != nil {
		t.Fatal(err)
	}
	return p, &log
}

func TestSARIFValidatesWithResults(t *testing.T) {
	p, log := writeSARIF(t, fixtureRun(), SARIFOptions{})
	sarifcheck.Validate(t, p)
	run := log.Runs[0]
	// 4 failing findings on .10 (2 TLS + SNMP + RUI), 1 waived, 2 on .11.
	if got := len(run.Results); got != 7 {
		t.Errorf("results = %d, want 7", got)
	}
	if got := run.AutomationDetails.ID; got != "mfpscan/hq-floor2/" {
		t.Errorf("automationDetails.id = %q", got)
	}
	if n := len(run.Taxonomies); n != 1 || len(run.Taxonomies[0].Taxa) != 10 {
		t.Errorf("taxonomies = %+v", run.Taxonomies)
	}
}

func TestSARIFValidatesEmpty(t *testing.T) {
	run := fixtureRun()
	run.Results = nil
	run.Devices = nil
	run.ExitCode = 0
	p, log := writeSARIF(t, run, SARIFOptions{})
	sarifcheck.Validate(t, p)
	raw, _ := os.ReadFile(p)
	if !bytes.Contains(raw, []byte(`"results": []`)) {
		t.Error("empty run must carry an empty results array")
	}
	if got := len(log.Runs[0].Tool.Driver.Rules); got != len(fixtureRules()) {
		t.Errorf("rules = %d, want every catalogue rule (%d)", got, len(fixtureRules()))
	}
}

func TestSARIFRules(t *testing.T) {
	run := fixtureRun()
	run.Rules = append(run.Rules, run.Rules[0]) // duplicate must be dropped
	_, log := writeSARIF(t, run, SARIFOptions{})
	rules := log.Runs[0].Tool.Driver.Rules
	seen := map[string]bool{}
	for _, r := range rules {
		if seen[r.ID] {
			t.Errorf("duplicate rule %s", r.ID)
		}
		seen[r.ID] = true
	}
	if len(rules) != 6 {
		t.Fatalf("rules = %d, want 6", len(rules))
	}
	var tls *sarifDescriptor
	for _, r := range rules {
		if r.ID == "MFP-TLS-001" {
			tls = r
		}
	}
	if tls == nil {
		t.Fatal("MFP-TLS-001 missing")
	}
	if tls.Name != "LegacyTLSVersionsAreOffered" || tls.HelpURI != "https://example.com/canon-tls" ||
		tls.DefaultConfiguration.Level != "error" || tls.Properties["security-severity"] != "8.0" {
		t.Errorf("descriptor = %+v", tls)
	}
	tags, _ := tls.Properties["tags"].([]any)
	want := []string{"security", "mfp", "guide-point-4", "canon", "MFD02.003", "SC-8", "SC-13"}
	if len(tags) != len(want) {
		t.Fatalf("tags = %v, want %v", tags, want)
	}
	for i := range want {
		if tags[i] != want[i] {
			t.Errorf("tag %d = %v, want %s", i, tags[i], want[i])
		}
	}
	if rel := tls.Relationships; len(rel) != 1 || rel[0].Target.ID != "4" || *rel[0].Target.Index != 3 {
		t.Errorf("relationships = %+v", rel)
	}
	if !strings.Contains(tls.Help.Markdown, "key point 4") || !strings.Contains(tls.Help.Text, "Remediation: Settings/Registration") {
		t.Errorf("help = %+v", tls.Help)
	}
}

func TestSARIFResultLocationsAndWaiver(t *testing.T) {
	run := fixtureRun()
	_, log := writeSARIF(t, run, SARIFOptions{})
	text := run.FactsText["127.77.0.10"]
	var tls10, waived *sarifResult
	for _, r := range log.Runs[0].Results {
		if r.Properties["fact"] == "/tls/0/versions/tls1_0" {
			tls10 = r
		}
		if len(r.Suppressions) > 0 {
			waived = r
		}
		if r.Kind != "fail" || r.Locations[0].PhysicalLocation.ArtifactLocation.URI == "" {
			t.Errorf("result %s: kind %q, location %+v", r.RuleID, r.Kind, r.Locations[0])
		}
		if rules := log.Runs[0].Tool.Driver.Rules; rules[*r.RuleIndex].ID != r.RuleID {
			t.Errorf("ruleIndex %d does not point at %s", *r.RuleIndex, r.RuleID)
		}
	}
	if tls10 == nil || waived == nil {
		t.Fatalf("missing results: tls10=%v waived=%v", tls10, waived)
	}
	loc := tls10.Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "facts/127.77.0.10.json" {
		t.Errorf("uri = %q", loc.ArtifactLocation.URI)
	}
	line := strings.Split(string(text), "\n")[loc.Region.StartLine-1]
	if !strings.Contains(line, `"tls1_0": true`) {
		t.Errorf("region line %d is %q", loc.Region.StartLine, line)
	}
	for _, s := range []string{"127.77.0.10", "Canon iR-ADV C5535", "serial QWE12345", "TLS 1.0 is accepted", "port=443"} {
		if !strings.Contains(tls10.Message.Text, s) {
			t.Errorf("message %q lacks %q", tls10.Message.Text, s)
		}
	}
	if tls10.Level != "error" || tls10.Properties["guide_point"] != float64(4) {
		t.Errorf("level %q props %v", tls10.Level, tls10.Properties)
	}
	s := waived.Suppressions[0]
	if s.Kind != "external" || s.Justification != "vendor update scheduled for Q2" || waived.RuleID != "MFP-FW-001" {
		t.Errorf("suppression = %+v on %s", s, waived.RuleID)
	}

	_, omitted := writeSARIF(t, fixtureRun(), SARIFOptions{OmitSuppressed: true})
	for _, r := range omitted.Runs[0].Results {
		if len(r.Suppressions) > 0 {
			t.Errorf("OmitSuppressed kept %s", r.RuleID)
		}
	}
	if len(omitted.Runs[0].Results) != len(log.Runs[0].Results)-1 {
		t.Errorf("OmitSuppressed: %d results, want %d", len(omitted.Runs[0].Results), len(log.Runs[0].Results)-1)
	}
}

func fingerprints(log *sarifLog) map[string]string {
	out := map[string]string{}
	for _, r := range log.Runs[0].Results {
		fact, _ := r.Properties["fact"].(string)
		id, _ := r.Properties["device_id"].(string)
		out[id+" "+r.RuleID+" "+fact] = r.PartialFingerprints[fingerprintKey]
	}
	return out
}

func TestFingerprintSurvivesAddressChange(t *testing.T) {
	_, before := writeSARIF(t, fixtureRun(), SARIFOptions{})
	moved := fixtureRun()
	moved.Devices[0].Address = "127.77.0.99"
	for i := range moved.Results {
		if moved.Results[i].Address == "127.77.0.10" {
			moved.Results[i].Address = "127.77.0.99"
		}
	}
	_, after := writeSARIF(t, moved, SARIFOptions{})
	a, b := fingerprints(before), fingerprints(after)
	if len(a) != 7 || len(a) != len(b) {
		t.Fatalf("fingerprint sets differ in size: %d vs %d", len(a), len(b))
	}
	distinct := map[string]bool{}
	for k, v := range a {
		if b[k] != v {
			t.Errorf("%s: fingerprint changed with the address: %s -> %s", k, v, b[k])
		}
		distinct[v] = true
	}
	if len(distinct) != len(a) {
		t.Errorf("fingerprints collide: %d distinct of %d", len(distinct), len(a))
	}
	for _, r := range after.Runs[0].Results {
		if r.Properties["address"] == "127.77.0.99" && r.Fingerprints["mfpscan/v1"] != r.PartialFingerprints[fingerprintKey] {
			t.Error("fingerprints and partialFingerprints differ")
		}
	}
}

func TestBaselineThreeRuns(t *testing.T) {
	// Run 1: no TLS finding on .10; run 2: it appears (new); run 3: it stays
	// (one message reworded: updated); run 4: fixed (absent).
	withoutTLS := func() *Run {
		r := fixtureRun()
		for i := range r.Results {
			if r.Results[i].RuleID == "MFP-TLS-001" && r.Results[i].Address == "127.77.0.10" {
				r.Results[i].Status, r.Results[i].Findings = policies.StatusPass, nil
			}
		}
		return r
	}
	states := func(log *sarifLog) map[string]string {
		m := map[string]string{}
		for _, r := range log.Runs[0].Results {
			fact, _ := r.Properties["fact"].(string)
			m[r.RuleID+" "+fact] = r.BaselineState
		}
		return m
	}
	reworded := fixtureRun()
	reworded.Results[0].Findings[0].Message = "TLS 1.0 is still accepted on port 443"
	const tls10 = "MFP-TLS-001 /tls/0/versions/tls1_0"
	// Each run takes the previous run's file as its baseline.
	runs := []struct {
		run      *Run
		validate bool
		want     map[string]string
	}{
		{withoutTLS(), false, nil},
		{fixtureRun(), true, map[string]string{tls10: BaselineNew, "MFP-SNMP-001 /snmp/communities_accepted/0": BaselineUnchanged}},
		{reworded, false, map[string]string{tls10: BaselineUpdated, "MFP-TLS-001 /tls/0/versions/tls1_1": BaselineUnchanged}},
		{withoutTLS(), true, map[string]string{tls10: BaselineAbsent, "MFP-RUI-001 /remote_ui/login_mode": BaselineUnchanged}},
		// A fixed finding is absent once, not forever.
		{withoutTLS(), false, map[string]string{tls10: ""}},
	}
	var prev *Baseline
	for i, r := range runs {
		p, log := writeSARIF(t, r.run, SARIFOptions{Baseline: prev})
		if r.validate {
			sarifcheck.Validate(t, p)
		}
		got := states(log)
		for key, want := range r.want {
			if got[key] != want {
				t.Errorf("run %d: %s state %q, want %q (all: %v)", i+1, key, got[key], want, got)
			}
		}
		if prev != nil {
			for _, res := range log.Runs[0].Results {
				if res.BaselineState == "" {
					t.Errorf("run %d: %s has no baselineState", i+1, res.RuleID)
				}
			}
		}
		// From the file, as --baseline reads it: indexed, then read
		// again for the findings that went.
		b, err := OpenBaseline(p)
		if err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
		t.Cleanup(func() { b.Close() })
		prev = b
	}
}

func TestBaselineErrors(t *testing.T) {
	for bad, want := range map[string]string{
		``:                                "empty baseline file",
		`not json`:                        "not a SARIF log",
		`{"runs": 3}`:                     "not a SARIF log",
		`[]`:                              "not a SARIF log",
		`{"version":"2.1.0"}`:             "without runs",
		`{"version":"2.1.0","runs":[]}`:   "without runs",
		`{"version":"2.0.0","runs":[{}]}`: "not a SARIF 2.1.0 log",
		`{"runs":[{}]}`:                   "not a SARIF 2.1.0 log",
		`{"version":2.1,"runs":[{}]}`:     "not a SARIF log",
		`{"version":"2.1.0","runs":[{"results":{}}]}`:                "not a SARIF log",
		`{"version":"2.1.0","runs":[{"results":[3]}]}`:               "parse baseline result",
		`{"version":"2.1.0","runs":[{"results":[{"message":"x"}]}]}`: "parse baseline result",
		`{"version":"2.1.0","runs":[{"results":[{}]}`:                "not a SARIF log",
		`{"version":"2.1.0","runs":[{"results":[]}]} x`:              "data after the log",
		`{"version":"2.1.0","Version":"2.1.0","runs":[{}]}`:          "twice",
		`{"version":"2.1.0","runs":[{"results":[],"Results":[]}]}`:   "twice",
	} {
		if _, err := BaselineFromBytes([]byte(bad)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("baseline %q: %v, want an error with %q", bad, err, want)
		}
	}
	cur, err := ApplyBaseline([]byte(`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"mfpscan"}},"results":[]}]}`),
		[]byte(`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"R1","message":{"text":"gone"},"partialFingerprints":{"primaryLocationLineHash":"abc"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"facts/a.json","index":9},"region":{"startLine":3}}}]}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(cur, []byte(`"baselineState": "absent"`)) || bytes.Contains(cur, []byte(`"index": 9`)) {
		t.Errorf("ApplyBaseline output:\n%s", cur)
	}
}

func TestSemanticVersion(t *testing.T) {
	testtable.Mapping(t, "semanticVersion", semanticVersion, map[string]string{
		"v1.2.3": "1.2.3", "1.0.0-rc.1": "1.0.0-rc.1", "dev": "0.0.0-dev", "": "0.0.0-unknown", "abc/def 1": "0.0.0-abc-def-1",
	})
}

// A sparse run — nil device, a result for an unknown rule and address, no
// facts text — must render in every format, and the SARIF must still validate.
func TestWritersTolerateSparseRun(t *testing.T) {
	run := &Run{
		Devices: []*facts.Device{nil, {Address: "127.77.0.50"}},
		Results: []policies.Result{
			{RuleID: "ORG-CUSTOM-1", Address: "127.77.0.99", Status: policies.StatusFail, Severity: "bogus"},
			{RuleID: "ORG-CUSTOM-1", Address: "127.77.0.50", Status: policies.StatusWaived},
		},
	}
	dir := t.TempDir()
	if _, err := WriteAll(context.Background(), dir, run, Formats()); err != nil {
		t.Fatal(err)
	}
	sarifcheck.Validate(t, filepath.Join(dir, "results.sarif"))
	var sum bytes.Buffer
	if err := WriteSummary(&sum, run, true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sum.String(), "127.77.0.99") || !strings.Contains(sum.String(), "1 devices") {
		t.Errorf("summary:\n%s", sum.String())
	}
}
