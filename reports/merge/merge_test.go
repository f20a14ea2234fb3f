package merge

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfile"
	"github.com/mfpscan/mfpscan/internal/usage"
	"github.com/mfpscan/mfpscan/policies"
	"github.com/mfpscan/mfpscan/reports"
	"github.com/mfpscan/mfpscan/reports/sarifcheck"
)

const device = "127.77.0.10"

// runDir writes a one-device report directory for site from the golden
// findings and facts in testdata/reports, as a scan with --site would.
func runDir(t *testing.T, site string) string {
	t.Helper()
	f, err := reports.LoadFindings("../../testdata/reports/findings.json")
	if err != nil {
		t.Fatal(err)
	}
	var kept []policies.Result
	for _, r := range f.Results {
		if r.Address == device {
			kept = append(kept, r)
		}
	}
	if len(kept) == 0 {
		t.Fatal("golden findings hold no result for " + device)
	}
	raw := testfile.Testdata(t, "reports", "facts-"+device+".json")
	var d facts.Device
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	run := &reports.Run{Scan: f.Scan, Rules: f.Rules, Results: kept, Site: site, Devices: []*facts.Device{&d}}
	dir := t.TempDir()
	if _, err := reports.WriteAll(context.Background(), dir, run, []string{"sarif", "json"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestTwoSitesReusingAnAddressStayApart(t *testing.T) {
	hq, branch := runDir(t, "hq"), runDir(t, "branch")
	out := t.TempDir()
	res, err := Merge(context.Background(), []Input{{Dir: hq}, {Dir: branch}}, out, Options{Formats: []string{"sarif", "json"}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(res.Sites, ",") != "hq,branch" {
		t.Fatalf("sites %v, want the ones read from each results.sarif", res.Sites)
	}
	for _, s := range []string{"hq", "branch"} {
		f, err := reports.LoadFindings(filepath.Join(out, "sites", s))
		if err != nil {
			t.Fatal(err)
		}
		if f.Summary.Devices != 1 {
			t.Errorf("site %s: %d devices, want 1", s, f.Summary.Devices)
		}
		if _, err := os.Stat(filepath.Join(out, "sites", s, "facts", device+".json")); err != nil {
			t.Errorf("site %s: %v", s, err)
		}
	}
	var log struct {
		Runs []struct {
			AutomationDetails struct{ ID string } `json:"automationDetails"`
			Results           []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	raw, err := os.ReadFile(res.CombinedSARIF)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 2 {
		t.Fatalf("%d SARIF runs, want one per site", len(log.Runs))
	}
	for i, site := range []string{"hq", "branch"} {
		r := log.Runs[i]
		if r.AutomationDetails.ID != "mfpscan/"+site+"/" {
			t.Errorf("run %d category %q", i, r.AutomationDetails.ID)
		}
		if len(r.Results) == 0 {
			t.Fatalf("run %d has no results", i)
		}
		for _, x := range r.Results {
			uri := x.Locations[0].PhysicalLocation.ArtifactLocation.URI
			if want := "sites/" + site + "/facts/" + device + ".json"; uri != want {
				t.Errorf("site %s: result points at %s, want %s", site, uri, want)
			}
			if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(uri))); err != nil {
				t.Errorf("site %s: %v", site, err)
			}
		}
	}
	sarifcheck.Validate(t, res.CombinedSARIF)
}

func TestOverlappingShardsAreRefused(t *testing.T) {
	a, b := runDir(t, "hq"), runDir(t, "hq")
	out := t.TempDir()
	_, err := Merge(context.Background(), []Input{{Dir: a}, {Dir: b}}, out, Options{Formats: []string{"json"}})
	if !usage.Is(err) || !strings.Contains(err.Error(), device) {
		t.Fatalf("merge of two runs holding %s: %v, want a bad-input error naming it", device, err)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Fatalf("a refused merge wrote %d entries", len(entries))
	}
	// Naming the sites apart makes the same directories a valid merge.
	if _, err := Merge(context.Background(), []Input{ParseInput("east=" + a), ParseInput("west=" + b)}, out, Options{Formats: []string{"json"}}); err != nil {
		t.Fatal(err)
	}
}

func TestSitesSharingACategoryAreRefused(t *testing.T) {
	a, b := runDir(t, "x"), runDir(t, "x")
	_, err := Merge(context.Background(), []Input{{Site: "hq 1", Dir: a}, {Site: "hq-1", Dir: b}}, t.TempDir(), Options{Formats: []string{"sarif"}})
	if !usage.Is(err) {
		t.Fatalf("sites with one SARIF category: %v, want a bad-input error", err)
	}
}

func TestStaleFactsFromAnEarlierRunAreDropped(t *testing.T) {
	dir := runDir(t, "hq")
	stale, err := os.ReadFile(filepath.Join(dir, "facts", device+".json"))
	if err != nil {
		t.Fatal(err)
	}
	// An earlier night's device, gone since: its facts file is still there.
	old := strings.ReplaceAll(string(stale), device, "127.77.0.99")
	if err := os.WriteFile(filepath.Join(dir, "facts", "127.77.0.99.json"), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	res, err := Merge(context.Background(), []Input{{Dir: dir}}, out, Options{Formats: []string{"json"}})
	if err != nil {
		t.Fatal(err)
	}
	if n := res.Devices[0]; n != 1 {
		t.Fatalf("merged %d devices, want only %s", n, device)
	}
	written, err := os.ReadDir(filepath.Join(out, "facts"))
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 1 || written[0].Name() != device+".json" {
		t.Fatalf("merged facts files %v, want only %s's", written, device)
	}
}

func TestSiteDirIsInjective(t *testing.T) {
	seen := map[string]string{}
	for _, s := range []string{"hq", "HQ", "hq-1", "hq 1", "hq/1", "..", "a~2f", ""} {
		d := SiteDir(s)
		if prev, dup := seen[d]; dup {
			t.Errorf("sites %q and %q share %s", prev, s, d)
		}
		if strings.Contains(strings.TrimPrefix(d, "sites/"), "/") {
			t.Errorf("site %q escapes to %s", s, d)
		}
		seen[d] = s
	}
}

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
