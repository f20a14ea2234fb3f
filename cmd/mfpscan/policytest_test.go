package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestPolicyTestFormats(t *testing.T) {
	code, out, _ := runCLI(t, "policy", "test", "../../policies/testdata/regotests", "--format", "json", "--coverage")
	if code != exitFindings {
		t.Errorf("a failing Rego test: exit %d, want %d", code, exitFindings)
	}
	var rep struct {
		Tests    []json.RawMessage `json:"tests"`
		Coverage *struct {
			Rules []json.RawMessage `json:"rules"`
		} `json:"coverage"`
	}
	// The JSON report is the whole output: no trailing summary line.
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("policy test --format json is not one JSON document: %v\n%s", err, out)
	}
	if len(rep.Tests) != 4 || rep.Coverage == nil || len(rep.Coverage.Rules) == 0 {
		t.Errorf("json report: %d tests, coverage %v", len(rep.Tests), rep.Coverage)
	}
	code, _, msg := runCLI(t, "policy", "test", "../../policies/testdata/regotests", "--format", "xunit")
	if code != exitUsage || !strings.Contains(msg, "xunit") {
		t.Errorf("unknown --format: exit %d, %q", code, msg)
	}
}
