package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/reports/reportstest"
)

// TestSIGTERMDuringEvalWritesWhatWasDecided: SIGTERM while `eval` runs a
// rule that would never finish stops the evaluation, writes findings.json
// marked incomplete with the undecided rules as review, and exits 4.
func TestSIGTERMDuringEvalWritesWhatWasDecided(t *testing.T) {
	dir := t.TempDir()
	rule := writeFile(t, dir, "forever.rego", `# METADATA
# title: Never finishes
# description: Nine hundred million pairs.
# scope: package
# custom:
#   id: ORG-FOREVER-001
#   severity: low
#   guide_point: 3
#   remediation: none
package org.forever

deny contains "never" if {
	some i in numbers.range(1, 30000)
	some j in numbers.range(1, 30000)
	i * j == -1
}
`)
	out := filepath.Join(dir, "out")
	cmd, started, log := startMain(t, "policy evaluation started", "eval", "../../testdata/reports/facts-127.77.0.10.json", "--policy", rule,
		"--evaluator", "topdown", "--eval-timeout", "10m", "--format", "json", "--out", out)
	await(t, cmd, started, 60*time.Second, "evaluation", log)
	terminate(t, cmd, 30*time.Second, log)
	f := reportstest.Findings(t, out)
	if !f.Scan.Incomplete {
		t.Error("findings.json not marked incomplete")
	}
	if r := onlyResult(t, f, "ORG-FOREVER-001"); r.Status != "review" || !strings.Contains(strings.Join(r.Reasons, " "), "interrupted") {
		t.Errorf("ORG-FOREVER-001 = %s %q, want review (interrupted)", r.Status, r.Reasons)
	}
}
