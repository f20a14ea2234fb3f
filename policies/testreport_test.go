package policies

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
)

func runFixtureTests(t *testing.T, opts TestOptions) string {
	t.Helper()
	var out bytes.Buffer
	passed, failed, err := RunRegoTestsWith(context.Background(), []string{"testdata/regotests"}, &out, opts)
	if err != nil {
		t.Fatalf("RunRegoTestsWith(%+v): %v", opts, err)
	}
	if passed != 3 || failed != 1 {
		t.Fatalf("passed %d failed %d, want 3 and 1", passed, failed)
	}
	return out.String()
}

func TestTestReportJSONWithCoverage(t *testing.T) {
	var rep struct {
		Tests []struct {
			Package, Name, File, Status string
			Row                         int
		} `json:"tests"`
		Coverage *Coverage `json:"coverage"`
	}
	if err := json.Unmarshal([]byte(runFixtureTests(t, TestOptions{Format: "json", Coverage: true})), &rep); err != nil {
		t.Fatalf("json report: %v", err)
	}
	status := map[string]string{}
	for _, c := range rep.Tests {
		status[c.Name] = c.Status
	}
	want := map[string]string{"test_v1_denied": "pass", "test_not_collected_review": "pass", "test_fixture_fails": "fail", "test_uses_builtin_defaults": "pass"}
	for name, st := range want {
		if status[name] != st {
			t.Errorf("%s: status %q, want %q", name, status[name], st)
		}
	}
	if rep.Coverage == nil {
		t.Fatal("no coverage in the JSON report")
	}
	rules := map[string]RuleCoverage{}
	for _, r := range rep.Coverage.Rules {
		rules[r.Rule] = r
		if strings.HasSuffix(r.File, "_test.rego") {
			t.Errorf("a test file's rule is in the coverage: %+v", r)
		}
	}
	// The fixture's tests reach review and the v1 deny, never the v2c deny
	// body nor not_applicable.
	if r := rules["data.custom.status.review"]; r.Percent != 100 {
		t.Errorf("review coverage %+v, want 100%%", r)
	}
	if r := rules["data.custom.status.not_applicable"]; r.CoveredLines != 0 || r.NotCoveredLines == 0 {
		t.Errorf("not_applicable coverage %+v, want nothing covered", r)
	}
	if r := rules["data.custom.status.deny"]; r.CoveredLines == 0 || r.NotCoveredLines == 0 {
		t.Errorf("deny coverage %+v, want partly covered (v1 tested, v2c not)", r)
	}
	if _, ok := rules["data.mfpscan.lib.ports"]; ok {
		t.Error("the embedded catalogue is counted in the coverage")
	}
	if rep.Coverage.Percent <= 0 || rep.Coverage.Percent >= 100 {
		t.Errorf("overall coverage %v, want strictly between 0 and 100", rep.Coverage.Percent)
	}
}

func TestTestReportJUnit(t *testing.T) {
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(runFixtureTests(t, TestOptions{Format: "junit"})), &doc); err != nil {
		t.Fatalf("junit report: %v", err)
	}
	if doc.Tests != 4 || doc.Failures != 1 || len(doc.Suites) != 1 || doc.Suites[0].Name != "custom.status_test" {
		t.Fatalf("junit: %+v", doc)
	}
	for _, c := range doc.Suites[0].Cases {
		if (c.Failure != nil) != (c.Name == "test_fixture_fails") {
			t.Errorf("case %s: failure element %v", c.Name, c.Failure != nil)
		}
	}
}

func TestTestReportTAP(t *testing.T) {
	out := runFixtureTests(t, TestOptions{Format: "tap", Coverage: true})
	lines := strings.Split(out, "\n")
	if lines[0] != "TAP version 13" || lines[1] != "1..4" {
		t.Fatalf("TAP header: %q", lines[:2])
	}
	var ok, notOK int
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "ok "):
			ok++
		case strings.HasPrefix(l, "not ok "):
			notOK++
			if !strings.Contains(l, "test_fixture_fails") {
				t.Errorf("unexpected failure line %q", l)
			}
		}
	}
	if ok != 3 || notOK != 1 {
		t.Errorf("TAP: %d ok, %d not ok, want 3 and 1:\n%s", ok, notOK, out)
	}
	if !strings.Contains(out, "# coverage 100.0% testdata/regotests/status.rego:30 data.custom.status.review") {
		t.Errorf("TAP lacks the review rule's coverage:\n%s", out)
	}
}

func TestTestReportUnknownFormat(t *testing.T) {
	var out bytes.Buffer
	_, _, err := RunRegoTestsWith(context.Background(), []string{"testdata/regotests"}, &out, TestOptions{Format: "xunit"})
	if err == nil || !strings.Contains(err.Error(), "xunit") {
		t.Fatalf("unknown format: %v", err)
	}
}
