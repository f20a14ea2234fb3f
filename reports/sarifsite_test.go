package reports

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/internal/usage"
)

func TestReadSARIFSite(t *testing.T) {
	const run = `{"tool":{"driver":{"name":"mfpscan","rules":[{"id":"R"}]}},
		"results":[{"ruleId":"R","message":{"text":"a [b] {c}"},"locations":[[1,[2]],{"x":[3]}]}, "odd", 4, null],
		"automationDetails":{"id":"mfpscan/hq floor 2/"},
		"artifacts":[{"location":{"uri":"facts/x.json"}}],
		"invocations":[{"exitCode":3,"executionSuccessful":true},{"exitCode":9}]}`
	cases := []struct {
		name, doc, site string
		exit            int
		err             string
	}{
		{"one run", `{"$schema":"s","version":"2.1.0","runs":[` + run + `],"properties":{"k":[1,2]}}`, "hq floor 2", 3, ""},
		{"no category", `{"runs":[{"results":[]}]}`, "", 0, ""},
		{"two runs", `{"runs":[` + run + `,` + run + `]}`, "", 0, "2 runs, want the 1"},
		{"no runs", `{"runs":[]}`, "", 0, "0 runs"},
		{"cut short", `{"runs":[` + run[:len(run)/2], "", 0, "read "},
		{"not JSON", `runs`, "", 0, "read "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "results.sarif")
			if err := os.WriteFile(path, []byte(tc.doc), 0o644); err != nil {
				t.Fatal(err)
			}
			site, exit, err := ReadSARIFSite(path)
			if tc.err != "" {
				if !usage.Is(err) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want a usage error saying %q", err, tc.err)
				}
				return
			}
			if err != nil || site != tc.site || exit != tc.exit {
				t.Fatalf("got (%q, %d, %v), want (%q, %d)", site, exit, err, tc.site, tc.exit)
			}
		})
	}
	if site, exit, err := ReadSARIFSite(filepath.Join(t.TempDir(), "results.sarif")); site != "" || exit != 0 || err != nil {
		t.Errorf("missing log: (%q, %d, %v), want no site and no error", site, exit, err)
	}
}
