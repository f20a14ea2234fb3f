// Package reportstest reads back, in the tests of the packages that write
// them, the reports a run produced.
package reportstest

import (
	"testing"

	"github.com/mfpscan/mfpscan/reports"
)

// Findings loads the findings.json at path (or in the run directory path)
// as report --from and diff read it, validation included, and fails the
// test if it cannot.
func Findings(t testing.TB, path string) reports.Findings {
	t.Helper()
	f, err := reports.LoadFindings(path)
	if err != nil {
		t.Fatal(err)
	}
	return *f
}
