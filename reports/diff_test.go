package reports

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/internal/usage"
	"github.com/mfpscan/mfpscan/policies"
)

// diffRuns returns three successive runs of the fixture fleet:
//   - run 2: the iR-ADV (serial QWE12345) moves from .10 to .20 keeping its
//     findings; MFP-NET-001 starts failing on the HP; MFP-SNMP-001 is fixed
//     on the MF743C;
//   - run 3: MFP-RUI-001 is fixed on the iR-ADV, its firmware waiver is
//     gone (waived → fail); the MF743C is not reached at all.
func diffRuns() [3]*Run {
	r1 := fixtureRun()
	r2 := fixtureRun()
	for _, d := range r2.Devices {
		if d.Address == "127.77.0.10" {
			d.Address = "127.77.0.20"
		}
	}
	for i := range r2.Results {
		res := &r2.Results[i]
		if res.Address == "127.77.0.10" {
			res.Address = "127.77.0.20"
		}
		switch {
		case res.Address == "127.77.0.12" && res.RuleID == "MFP-NET-001":
			res.Status = policies.StatusFail
			res.Findings = []policies.Finding{{Message: "address is public", Fact: "/ip_class"}}
		case res.Address == "127.77.0.11" && res.RuleID == "MFP-SNMP-001":
			res.Status, res.Findings = policies.StatusPass, nil
		}
	}
	r3 := fixtureRun()
	r3.Devices = nil
	for _, d := range r2.Devices {
		if d.Address != "127.77.0.11" {
			r3.Devices = append(r3.Devices, d)
		}
	}
	r3.Results = nil
	for _, res := range r2.Results {
		switch {
		case res.Address == "127.77.0.11":
		case res.Address == "127.77.0.20" && res.RuleID == "MFP-RUI-001":
		case res.Address == "127.77.0.20" && res.RuleID == "MFP-FW-001":
			res.Status, res.Waiver = policies.StatusFail, nil
			r3.Results = append(r3.Results, res)
		default:
			r3.Results = append(r3.Results, res)
		}
	}
	return [3]*Run{r1, r2, r3}
}

// writeFindings writes a run's findings.json and reads it back, so the diff
// works on what a user actually has on disk.
func writeFindings(t *testing.T, r *Run) *Findings {
	t.Helper()
	dir := t.TempDir()
	if _, err := WriteAll(context.Background(), dir, r, []string{"json"}); err != nil {
		t.Fatal(err)
	}
	f, err := LoadFindings(dir)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestDiffGolden(t *testing.T) {
	runs := diffRuns()
	f := [3]*Findings{writeFindings(t, runs[0]), writeFindings(t, runs[1]), writeFindings(t, runs[2])}

	d12 := Diff(f[0], f[1])
	type sum struct{ New, Fixed, Changed, Unseen, Moved, Unchanged int }
	if got, want := (sum{len(d12.New), len(d12.Fixed), len(d12.Changed), len(d12.Unseen), len(d12.Moved), d12.Unchanged}),
		(sum{1, 1, 0, 0, 1, 4}); got != want {
		t.Errorf("diff 1→2 counts = %+v, want %+v", got, want)
	}
	if len(d12.New) == 1 && (d12.New[0].RuleID != "MFP-NET-001" || d12.New[0].DeviceID != "mac:00:11:22:33:44:55") {
		t.Errorf("new = %+v", d12.New[0])
	}
	if len(d12.Moved) == 1 && d12.Moved[0] != (DeviceMove{"serial:QWE12345", "127.77.0.10", "127.77.0.20"}) {
		t.Errorf("moved = %+v", d12.Moved[0])
	}

	d23 := Diff(f[1], f[2])
	if got, want := (sum{len(d23.New), len(d23.Fixed), len(d23.Changed), len(d23.Unseen), len(d23.Moved), d23.Unchanged}),
		(sum{0, 1, 1, 1, 0, 3}); got != want {
		t.Errorf("diff 2→3 counts = %+v, want %+v", got, want)
	}

	var buf bytes.Buffer
	for _, d := range []DiffResult{d12, d23} {
		for _, format := range DiffFormats() {
			buf.WriteString("==== " + format + "\n")
			if err := WriteDiff(&buf, d, format); err != nil {
				t.Fatal(err)
			}
		}
	}
	golden(t, "diff.txt", buf.Bytes())
	if bytes.Contains(buf.Bytes(), []byte("\x1b")) {
		t.Error("diff output carries a terminal escape")
	}
}

func TestDiffSameRunIsEmpty(t *testing.T) {
	f := writeFindings(t, fixtureRun())
	d := Diff(f, f)
	if len(d.New)+len(d.Fixed)+len(d.Changed)+len(d.Unseen)+len(d.Moved) != 0 || d.Unchanged != 5 {
		t.Errorf("diff of a run with itself = %+v", d)
	}
	if d := Diff(nil, f); len(d.New) != 5 {
		t.Errorf("diff from nothing: %d new, want 5", len(d.New))
	}
}

func TestWriteDiffUnknownFormat(t *testing.T) {
	err := WriteDiff(&bytes.Buffer{}, DiffResult{}, "xml")
	if !usage.Is(err) {
		t.Errorf("err = %v, want a usage error", err)
	}
}

func TestDiffJSONRoundTrip(t *testing.T) {
	runs := diffRuns()
	d := Diff(writeFindings(t, runs[0]), writeFindings(t, runs[1]))
	var buf bytes.Buffer
	if err := WriteDiff(&buf, d, "json"); err != nil {
		t.Fatal(err)
	}
	var back DiffResult
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.New) != len(d.New) || len(back.Fixed) != len(d.Fixed) || back.Unchanged != d.Unchanged {
		t.Errorf("json diff = %+v, want %+v", back, d)
	}
}

func TestRerender(t *testing.T) {
	ctx := context.Background()
	from, direct, again := t.TempDir(), t.TempDir(), t.TempDir()
	if _, err := WriteAll(ctx, from, fixtureRun(), []string{"json"}); err != nil {
		t.Fatal(err)
	}
	formats := []string{"sarif", "html", "csv", "markdown", "json"}
	run := fixtureRun()
	if _, err := WriteAll(ctx, direct, run, formats); err != nil {
		t.Fatal(err)
	}
	if err := Rerender(ctx, from, again, formats, RerenderOptions{Site: run.Site, ExitCode: run.ExitCode}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"results.sarif", "report.html", "findings.csv", "summary.md", "findings.json", "facts/127.77.0.11.json", "facts/__1.json"} {
		want, err := os.ReadFile(filepath.Join(direct, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(again, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s re-rendered differs from the original rendering", name)
		}
	}
}

func TestRerenderBadInput(t *testing.T) {
	ctx := context.Background()
	good := t.TempDir()
	if _, err := WriteAll(ctx, good, fixtureRun(), []string{"json"}); err != nil {
		t.Fatal(err)
	}
	garbage := t.TempDir()
	if err := os.WriteFile(filepath.Join(garbage, "findings.json"), []byte("{\"schema_version\":"), 0o644); err != nil {
		t.Fatal(err)
	}
	badFacts := t.TempDir()
	if _, err := WriteAll(ctx, badFacts, fixtureRun(), []string{"json"}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(badFacts, "facts", "zz.json"), []byte(`{"address": 7}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, from string
		formats    []string
		want       string
	}{
		{"missing dir", filepath.Join(good, "nope"), []string{"html"}, "no such file"},
		{"garbage findings", garbage, []string{"html"}, "unexpected end of JSON"},
		{"invalid facts", badFacts, []string{"html"}, "zz.json"},
		{"unknown format", good, []string{"pdf"}, "unknown report format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Rerender(ctx, tt.from, t.TempDir(), tt.formats, RerenderOptions{})
			if !usage.Is(err) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want a usage error mentioning %q", err, tt.want)
			}
		})
	}
}
