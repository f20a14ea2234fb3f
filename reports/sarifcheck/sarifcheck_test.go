package sarifcheck

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bad breaks Multitool rules on purpose: a ruleIndex past the rules array
// (SARIF1009) and a result without any location (GitHub ingestion).
const bad = `{
  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "version": "2.1.0",
  "runs": [{
    "tool": {"driver": {"name": "t", "version": "1.0", "informationUri": "https://example.com/",
      "rules": [{"id": "R1", "shortDescription": {"text": "r"}}]}},
    "results": [{"ruleId": "R1", "ruleIndex": 5, "message": {"text": "m."}}]
  }]
}`

func TestRunReportsErrors(t *testing.T) {
	tool := Require(t)
	p := filepath.Join(t.TempDir(), "bad.sarif")
	if err := os.WriteFile(p, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	problems, err := Run(context.Background(), tool, p)
	if err != nil {
		t.Fatal(err)
	}
	var errs []string
	for _, pr := range problems {
		if pr.Level == "error" {
			errs = append(errs, pr.String())
		}
	}
	if len(errs) == 0 {
		t.Fatalf("no error-level problems for a broken log; got %v", problems)
	}
	joined := strings.Join(errs, "\n")
	if !strings.Contains(joined, "SARIF1009") {
		t.Errorf("expected SARIF1009 among:\n%s", joined)
	}
	if strings.Contains(joined, "{0}") {
		t.Errorf("message arguments not substituted:\n%s", joined)
	}
}

func TestCheckSchema(t *testing.T) {
	tool := Require(t)
	schema := SchemaPath(tool)
	if err := CheckSchema(schema, []byte(bad)); err != nil {
		t.Errorf("schema-valid log rejected: %v", err)
	}
	for _, doc := range []string{
		`{"version": "2.0.0", "runs": []}`,
		`{"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}`,
		`{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t"}}, "results": [{"message": {"text": "m"}, "suppressions": [{"kind": "external", "location": null}]}]}]}`,
	} {
		if err := CheckSchema(schema, []byte(doc)); err == nil {
			t.Errorf("schema accepted %s", doc)
		}
	}
}

func TestParseResolvesTemplates(t *testing.T) {
	out := `{"runs":[{"tool":{"driver":{"name":"m","rules":[{"id":"X1","defaultConfiguration":{"level":"error"},
	"messageStrings":{"Bad":{"text":"{0}: value {1} is bad"}}}]}},
	"results":[{"ruleId":"X1","ruleIndex":0,"message":{"id":"Bad","arguments":["runs[0]","7"]}},
	{"ruleId":"X2","level":"note","message":{"text":"plain"}}]}]}`
	got, err := parse([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{{RuleID: "X1", Level: "error", Message: "runs[0]: value 7 is bad"}, {RuleID: "X2", Level: "note", Message: "plain"}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("parse = %+v, want %+v", got, want)
	}
	if _, err := parse([]byte("garbage")); err == nil {
		t.Error("parse(garbage) gave no error")
	}
}
