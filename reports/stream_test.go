package reports

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mfpscan/mfpscan/policies"
)

// streamFixture is the fixture run with its facts text, an unknown rule
// (a result whose rule left the catalogue) and a waived result, so every
// branch of the writers shows in the goldens.
func streamFixture(t *testing.T) *Run {
	t.Helper()
	r := fixtureRun()
	r.FactsText = map[string][]byte{}
	for _, d := range r.Devices {
		text, err := EncodeFacts(d)
		if err != nil {
			t.Fatal(err)
		}
		r.FactsText[d.Address] = text
	}
	r.Results = append(r.Results, policies.Result{RuleID: "MFP-GONE-001", Address: "127.77.0.12", DeviceID: "mac:00:11:22:33:44:55",
		Status: policies.StatusFail, Severity: "low", Findings: []policies.Finding{{Message: "a rule no longer in the catalogue", Fact: "/ports/0"}}})
	return r
}

// baselineFixture is a previous SARIF log: one finding still present with
// another message, and one gone.
func baselineFixture(t *testing.T) []byte {
	t.Helper()
	prev := streamFixture(t)
	prev.Results = prev.Results[:1]
	prev.Results[0].Findings = append([]policies.Finding{{Message: "an older message", Fact: "/tls/0/versions/tls1_0"}}, policies.Finding{Message: "gone since", Fact: "/gone"})
	var buf bytes.Buffer
	if err := (&SARIFWriter{}).Write(&buf, prev); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestWholeRunGoldens pins the SARIF and HTML of a whole run held in memory.
func TestWholeRunGoldens(t *testing.T) {
	base := baselineFixture(t)
	for _, c := range []struct {
		name string
		w    Writer
	}{
		{"results.sarif", &SARIFWriter{}},
		{"results-baseline.sarif", &SARIFWriter{Options: SARIFOptions{Baseline: base}}},
		{"results-omit.sarif", &SARIFWriter{Options: SARIFOptions{OmitSuppressed: true}}},
		{"report.html", HTMLWriter{}},
	} {
		var buf bytes.Buffer
		if err := c.w.Write(&buf, streamFixture(t)); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		golden(t, c.name, buf.Bytes())
	}
}

var _ = context.Background
var _ = os.ReadFile
var _ = filepath.Join
