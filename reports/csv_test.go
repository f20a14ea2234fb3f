package reports

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/mfpscan/mfpscan/policies"
)

// csvRows writes run as findings.csv and reads it back.
func csvRows(t *testing.T, run *Run) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := (CSVWriter{}).Write(&buf, run); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestCSV(t *testing.T) {
	run := fixtureRun()
	run.Results = append(run.Results, policies.Result{RuleID: "MFP-NET-001", Address: "127.77.0.10",
		Status: policies.StatusFail, Severity: "low", Findings: []policies.Finding{{Message: "=HYPERLINK(\"x\")"}}})
	rows := csvRows(t, run)
	if len(rows) != len(run.Results)+1 {
		t.Fatalf("rows = %d, want %d", len(rows), len(run.Results)+1)
	}
	if rows[0][0] != "address" || rows[1][5] != "MFP-FW-001" || rows[1][8] != "waived" || rows[1][13] != "vendor update scheduled for Q2" {
		t.Errorf("first rows: %q / %q", rows[0], rows[1])
	}
	found := false
	for _, r := range rows {
		if r[10] == "'=HYPERLINK(\"x\")" {
			found = true
		}
		for _, c := range r {
			if bytes.ContainsAny([]byte(c), "\x1b\x07") {
				t.Errorf("control byte in cell %q", c)
			}
		}
	}
	if !found {
		t.Error("formula cell not neutralised")
	}
}

// TestCSVGolden pins the layout: a header and one row per device × rule
// result, in address then rule order.
func TestCSVGolden(t *testing.T) {
	run := fixtureRun()
	rows, err := csv.NewReader(bytes.NewReader(writeGolden(t, CSVWriter{}, run))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[[2]string]bool{}
	for _, r := range rows[1:] {
		key := [2]string{r[1], r[5]}
		if seen[key] {
			t.Errorf("device %q rule %q appears twice", r[1], r[5])
		}
		seen[key] = true
	}
	if len(seen) != len(run.Results) {
		t.Errorf("%d device×rule rows, want %d", len(seen), len(run.Results))
	}
}
