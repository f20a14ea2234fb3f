package reports

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/owenrumney/go-sarif/v2/sarif"
)

// FuzzBaseline holds the streaming reader to what encoding/json, reading the
// whole log into go-sarif's result type, makes of the same bytes: it accepts
// no log that reading refuses, and it indexes the same findings and reads
// the same ones back as absent.
func FuzzBaseline(f *testing.F) {
	for _, seed := range []string{
		`{"version":"2.1.0","runs":[{"results":[]}]}`,
		`{"version":"2.1.0","runs":[null,{"tool":{"driver":{"name":"x","rules":[{"id":"R"}]}},"results":[{"ruleId":"R1","message":{"text":"m"},"partialFingerprints":{"primaryLocationLineHash":"abc"}},{"ruleId":"R1","message":{"text":"again"},"partialFingerprints":{"primaryLocationLineHash":"abc"}},{"ruleId":"R2","message":{},"baselineState":"absent","partialFingerprints":{"primaryLocationLineHash":"def"}},{"message":{"text":"no fp"}}]}]}`,
		`{"$schema":"x","version":"2.1.0","runs":[{"artifacts":[{"location":{"uri":"facts/a.json"}}],"results":null}],"properties":{"a":[1,{"b":null}]}}`,
		`{"version":"2.1.0","runs":[{"results":[{"partialFingerprints":{"primaryLocationLineHash":7}}]}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		b, err := BaselineFromBytes(raw)
		if err != nil {
			return
		}
		// Only the version and the results are read; what else a log
		// holds is not checked beyond being JSON.
		var whole struct {
			Version string
			Runs    []*struct{ Results []*sarif.Result }
		}
		if werr := json.Unmarshal(raw, &whole); werr != nil || whole.Version != "2.1.0" || len(whole.Runs) == 0 {
			t.Fatalf("streamed reader accepted a log encoding/json reads otherwise (%v, version %q, %d runs): %q", werr, whole.Version, len(whole.Runs), raw)
		}
		// The findings go-sarif's result type gives, first occurrence of
		// each fingerprint, in order, without those already absent.
		var want []string
		for _, run := range whole.Runs {
			if run == nil {
				continue
			}
			for _, res := range run.Results {
				fp := prevFingerprint(res)
				if fp == "" || stringOr(res.BaselineState) == BaselineAbsent || slices.Contains(want, fp) {
					continue
				}
				want = append(want, fp)
			}
		}
		if len(b.old) != len(want) {
			t.Fatalf("indexed %d findings, go-sarif reads %d (%v): %q", len(b.old), len(want), want, raw)
		}
		var got []string
		b.reset()
		if err := b.eachAbsent(nil, func(r *sarifResult) error {
			got = append(got, r.PartialFingerprints[fingerprintKey])
			return nil
		}); err != nil {
			t.Fatalf("second read: %v", err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("absent %v, want %v: %q", got, want, raw)
		}
	})
}

// TestBaselineKeepsItsFile: the log is read again at the end of the run from
// the file opened at the start, even when the path now names another file
// (the next scheduled run's results.sarif written over it).
func TestBaselineKeepsItsFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "results.sarif")
	old := `{"version":"2.1.0","runs":[{"results":[{"ruleId":"R1","message":{"text":"gone"},"partialFingerprints":{"primaryLocationLineHash":"abc"}}]}]}`
	if err := os.WriteFile(p, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := OpenBaseline(p)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	next := filepath.Join(dir, "next.sarif")
	if err := os.WriteFile(next, []byte(`{"version":"2.1.0","runs":[{"results":[]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(next, p); err != nil {
		t.Fatal(err)
	}
	var absent []*sarifResult
	b.reset()
	if err := b.eachAbsent(nil, func(r *sarifResult) error { absent = append(absent, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(absent) != 1 || absent[0].RuleID != "R1" || absent[0].Message.Text != "gone" || absent[0].BaselineState != BaselineAbsent {
		t.Fatalf("absent findings read from the replaced path: %+v", absent)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// TestBaselineRefusesWhatIsNotALog: a FIFO, a directory and a missing file
// are refused before a byte is read.
func TestBaselineRefusesWhatIsNotALog(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{dir, filepath.Join(dir, "missing.sarif"), "/dev/zero"} {
		if b, err := OpenBaseline(p); err == nil {
			b.Close()
			t.Errorf("OpenBaseline(%s): no error", p)
		}
	}
}
