package merge

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/usage"
	"github.com/mfpscan/mfpscan/reports"
)

// shardDir writes the report directory of shard k/n of one sweep that
// found no device (the case an overlap check on devices cannot see).
func shardDir(t *testing.T, k, n uint64) string {
	t.Helper()
	f, err := reports.LoadFindings("../../testdata/reports/findings.json")
	if err != nil {
		t.Fatal(err)
	}
	scan := f.Scan
	scan.Shard = &facts.Shard{K: k, N: n, Seed: 42}
	dir := t.TempDir()
	run := &reports.Run{Scan: scan, Rules: f.Rules, Site: "hq"}
	if _, err := reports.WriteAll(context.Background(), dir, run, []string{"sarif", "json"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestShardsOfOneSweep(t *testing.T) {
	s0, s1, s2 := shardDir(t, 0, 3), shardDir(t, 1, 3), shardDir(t, 2, 3)
	opts := Options{Formats: []string{"sarif", "json"}}
	for _, tc := range []struct {
		name string
		dirs []string
		want string
	}{
		{"missing", []string{s0, s2}, "missing shard(s) 1/3"},
		{"duplicated", []string{s0, s1, s1, s2}, "shard 1/3 (seed 42) is given twice"},
	} {
		out := t.TempDir()
		var in []Input
		for _, d := range tc.dirs {
			in = append(in, Input{Dir: d})
		}
		_, err := Merge(context.Background(), in, out, opts)
		if !usage.Is(err) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: merge error %v, want a bad-input error saying %q", tc.name, err, tc.want)
		}
		if entries, _ := os.ReadDir(out); len(entries) != 0 {
			t.Errorf("%s: a refused merge wrote %d entries", tc.name, len(entries))
		}
	}

	out := t.TempDir()
	if _, err := Merge(context.Background(), []Input{{Dir: s2}, {Dir: s0}, {Dir: s1}}, out, opts); err != nil {
		t.Fatalf("merge of every shard: %v", err)
	}
	f, err := reports.LoadFindings(filepath.Join(out, "findings.json"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Scan.Shard != nil {
		t.Errorf("merged findings record shard %+v; the merge covers the whole sweep", *f.Scan.Shard)
	}
}

// Each shard records its part in findings.json and in the SARIF run
// properties, which is what the merge reads back.
func TestShardRecordedInReports(t *testing.T) {
	dir := shardDir(t, 2, 3)
	f, err := reports.LoadFindings(filepath.Join(dir, "findings.json"))
	if err != nil {
		t.Fatal(err)
	}
	if sh := f.Scan.Shard; sh == nil || *sh != (facts.Shard{K: 2, N: 3, Seed: 42}) {
		t.Errorf("findings.json scan.shard = %+v, want 2/3 seed 42", sh)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "results.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Properties struct {
				Shard *facts.Shard `json:"shard"`
			} `json:"properties"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(raw, &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("results.sarif: %v, %d runs", err, len(log.Runs))
	}
	if sh := log.Runs[0].Properties.Shard; sh == nil || *sh != (facts.Shard{K: 2, N: 3, Seed: 42}) {
		t.Errorf("SARIF run properties shard = %+v, want 2/3 seed 42", sh)
	}
}
