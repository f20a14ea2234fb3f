package reports

import (
	"encoding/json"
	"github.com/mfpscan/mfpscan/internal/testfile"
	"github.com/mfpscan/mfpscan/internal/usage"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSavedRunsAreValidated: report --from and diff read findings.json
// through LoadFindings, which accepted any status or severity text. Each
// corruption of the committed sample must now be refused as bad input,
// naming the place.
func TestSavedRunsAreValidated(t *testing.T) {
	raw := testfile.Testdata(t, "reports", "findings.json")
	if _, err := LoadFindings(writeTemp(t, raw)); err != nil {
		t.Fatalf("the untouched sample must load: %v", err)
	}
	cases := []struct {
		name  string
		edit  func(doc map[string]any)
		where string
	}{
		{"unknown status", func(d map[string]any) { result(d)["status"] = "pwned" }, `results[0]`},
		{"empty status", func(d map[string]any) { result(d)["status"] = "" }, `results[0]`},
		{"status in capitals", func(d map[string]any) { result(d)["status"] = "PASS" }, `results[0]`},
		{"unknown result severity", func(d map[string]any) { result(d)["severity"] = "ultra" }, `results[0]`},
		{"no rule id", func(d map[string]any) { delete(result(d), "rule_id") }, `results[0]`},
		{"unknown rule severity", func(d map[string]any) { d["rules"].([]any)[0].(map[string]any)["severity"] = "<script>" }, `rules[0]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatal(err)
			}
			c.edit(doc)
			b, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			_, err = LoadFindings(writeTemp(t, b))
			if !usage.Is(err) || !strings.Contains(err.Error(), c.where) {
				t.Errorf("LoadFindings = %v, want bad input naming %s", err, c.where)
			}
		})
	}
}

func result(doc map[string]any) map[string]any {
	return doc["results"].([]any)[0].(map[string]any)
}

func writeTemp(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "findings.json")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
