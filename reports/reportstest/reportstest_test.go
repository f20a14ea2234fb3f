package reportstest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mfpscan/mfpscan/internal/testfile"
)

func TestFindingsReadsTheCommittedSample(t *testing.T) {
	f := Findings(t, filepath.Join("..", "..", "testdata", "reports", "findings.json"))
	if len(f.Results) == 0 || f.SchemaVersion == "" {
		t.Fatalf("sample findings read as %d results, schema %q", len(f.Results), f.SchemaVersion)
	}
	// A run directory names the same file.
	dir := t.TempDir()
	raw := testfile.Testdata(t, "reports", "findings.json")
	if err := os.WriteFile(filepath.Join(dir, "findings.json"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if g := Findings(t, dir); len(g.Results) != len(f.Results) {
		t.Fatalf("run directory: %d results, want %d", len(g.Results), len(f.Results))
	}
}
