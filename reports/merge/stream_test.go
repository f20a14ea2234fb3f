package merge

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfile"
	"github.com/mfpscan/mfpscan/reports"
)

// fleet builds a run of the golden device copied to each address, its
// hostname holding characters JSON escapes for HTML, so the combined SARIF
// log's escaping is exercised.
func fleet(t *testing.T, site string, addrs []string) *reports.Run {
	t.Helper()
	f, err := reports.LoadFindings("../../testdata/reports/findings.json")
	if err != nil {
		t.Fatal(err)
	}
	golden := string(testfile.Testdata(t, "reports", "facts-"+device+".json"))
	run := &reports.Run{Scan: f.Scan, Rules: f.Rules, Site: site}
	for _, a := range addrs {
		var d facts.Device
		if err := json.Unmarshal([]byte(strings.ReplaceAll(golden, device, a)), &d); err != nil {
			t.Fatal(err)
		}
		// One device_id per copy: SARIF fingerprints are by device.
		d.Identity.DeviceID = "address:" + a
		if d.Identity.Model != nil {
			d.Identity.Model.Value = fmt.Sprintf("<mfp-%s> & \u2028 lobby", a)
		}
		run.Devices = append(run.Devices, &d)
		for _, r := range f.Results {
			if r.Address == device {
				r.Address, r.DeviceID = a, d.Identity.DeviceID
				r.Reasons = append(r.Reasons[:len(r.Reasons):len(r.Reasons)], fmt.Sprintf("<mfp-%s> & \u2028 lobby", a))
				run.Results = append(run.Results, r)
			}
		}
	}
	return run
}

func writeRunDir(t *testing.T, run *reports.Run, formats ...string) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := reports.WriteAll(context.Background(), dir, run, formats); err != nil {
		t.Fatal(err)
	}
	return dir
}

var streamAddrs = []string{"127.77.0.2", "127.77.0.10", "127.77.0.11", "127.77.1.1", "::1", "127.77.0.9", "127.77.0.100"}

// Inputs whose addresses interleave merge, device by device, into the
// bytes one run of every device writes.
func TestMergeInterleavedInputsEqualsOneRun(t *testing.T) {
	formats := []string{"sarif", "json", "html", "csv", "markdown"}
	whole := writeRunDir(t, fleet(t, "hq", streamAddrs), formats...)
	var in []Input
	for k := range 3 {
		var part []string
		for i, a := range streamAddrs {
			if i%3 == k {
				part = append(part, a)
			}
		}
		in = append(in, Input{Dir: writeRunDir(t, fleet(t, "hq", part), "sarif", "json")})
	}
	out := filepath.Join(t.TempDir(), "merged")
	res, err := Merge(context.Background(), in, out, Options{Formats: formats})
	if err != nil {
		t.Fatal(err)
	}
	if res.Devices[0] != len(streamAddrs) {
		t.Errorf("merged %d devices, want %d", res.Devices[0], len(streamAddrs))
	}
	for _, name := range []string{"findings.json", "results.sarif", "report.html", "findings.csv", "summary.md"} {
		sameFile(t, filepath.Join(whole, name), filepath.Join(out, name))
	}
	for _, a := range streamAddrs {
		name := filepath.FromSlash(reports.FactsFileName(a))
		sameFile(t, filepath.Join(whole, name), filepath.Join(out, name))
	}
}

func sameFile(t *testing.T, want, got string) {
	t.Helper()
	w, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	g, err := os.ReadFile(got)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(w, g) {
		t.Errorf("%s differs from %s", got, want)
	}
}

// The combined log is streamed; it must equal what encoding each site's
// log, decoding its runs and encoding them together with
// json.MarshalIndent gives, escapes and all.
func TestCombinedSARIFEqualsMarshalIndent(t *testing.T) {
	sites := []struct{ name, dir string }{
		{"hq", writeRunDir(t, fleet(t, "hq", streamAddrs[:4]), "sarif", "json")},
		{"branch <2>", writeRunDir(t, fleet(t, "branch <2>", streamAddrs[3:]), "sarif", "json")},
		{"empty", writeRunDir(t, fleet(t, "empty", nil), "sarif", "json")},
	}
	var in []Input
	for _, s := range sites {
		in = append(in, Input{Site: s.name, Dir: s.dir})
	}
	out := t.TempDir()
	res, err := Merge(context.Background(), in, out, Options{Formats: []string{"sarif", "json"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(res.CombinedSARIF)
	if err != nil {
		t.Fatal(err)
	}
	var combined struct {
		Schema  string            `json:"$schema"`
		Version string            `json:"version"`
		Runs    []json.RawMessage `json:"runs"`
	}
	// The runs of each site's own log, with facts locations made relative
	// to the merge output, encoded together as the merge did before it
	// streamed.
	combined.Schema, combined.Version = "https://json.schemastore.org/sarif-2.1.0.json", "2.1.0"
	var runs []json.RawMessage
	for i := range sites {
		raw, err := os.ReadFile(filepath.Join(res.Dirs[i], "results.sarif"))
		if err != nil {
			t.Fatal(err)
		}
		prefixed := strings.ReplaceAll(string(raw), `"uri": "facts/`, `"uri": "`+SiteDir(sites[i].name)+`/facts/`)
		if prefixed == string(raw) && i < 2 {
			t.Fatalf("site %s: no facts location found to prefix", sites[i].name)
		}
		var one struct {
			Runs []json.RawMessage `json:"runs"`
		}
		if err := json.Unmarshal([]byte(prefixed), &one); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, one.Runs...)
	}
	combined.Runs = runs
	want, err := json.MarshalIndent(combined, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Fatalf("combined SARIF differs from json.MarshalIndent's at byte %d: got %q, want %q",
			i, got[max(0, i-40):min(len(got), i+40)], want[max(0, i-40):min(len(want), i+40)])
	}
	if !bytes.Contains(got, []byte(`\u003cmfp-`)) || !bytes.Contains(got, []byte(`\u2028`)) {
		t.Error("the fixture's <, & and U+2028 did not reach the combined log; the test checks no escaping")
	}
}

// With a baseline, each site's run in the combined log lists the findings
// gone since, as the site's own log does: the two logs are written side by
// side and must not share their record of what was seen.
func TestCombinedSARIFKeepsAbsentFindings(t *testing.T) {
	before := writeRunDir(t, fleet(t, "hq", streamAddrs[:3]), "sarif", "json")
	base, err := reports.OpenBaseline(filepath.Join(before, "results.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	in := []Input{
		{Site: "hq", Dir: writeRunDir(t, fleet(t, "hq", streamAddrs[:2]), "sarif", "json")},
		{Site: "branch", Dir: writeRunDir(t, fleet(t, "branch", streamAddrs[3:5]), "sarif", "json")},
	}
	res, err := Merge(context.Background(), in, t.TempDir(), Options{Formats: []string{"sarif", "json"}, SARIF: reports.SARIFOptions{Baseline: base}})
	if err != nil {
		t.Fatal(err)
	}
	absent := func(path string) []int {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var log struct {
			Runs []struct {
				Results []struct {
					BaselineState string `json:"baselineState"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(raw, &log); err != nil {
			t.Fatal(err)
		}
		var n []int
		for _, r := range log.Runs {
			c := 0
			for _, x := range r.Results {
				if x.BaselineState == "absent" {
					c++
				}
			}
			n = append(n, c)
		}
		return n
	}
	combined := absent(res.CombinedSARIF)
	for i := range in {
		own := absent(filepath.Join(res.Dirs[i], "results.sarif"))
		if own[0] != combined[i] {
			t.Errorf("site %s: %d absent findings in its own log, %d in the combined log", in[i].Site, own[0], combined[i])
		}
	}
	if combined[0] == 0 {
		t.Error("hq lost a device since the baseline, yet no finding is absent: the test checks nothing")
	}
}

// merge tells its progress over every site's devices.
func TestMergeReportsProgress(t *testing.T) {
	in := []Input{
		{Site: "hq", Dir: writeRunDir(t, fleet(t, "hq", streamAddrs[:3]), "sarif", "json")},
		{Site: "branch", Dir: writeRunDir(t, fleet(t, "branch", streamAddrs[3:]), "sarif", "json")},
	}
	var last [2]int
	calls := 0
	opts := Options{Formats: []string{"sarif", "json"}, Progress: func(done, total int) { calls, last = calls+1, [2]int{done, total} }}
	if _, err := Merge(context.Background(), in, t.TempDir(), opts); err != nil {
		t.Fatal(err)
	}
	n := len(streamAddrs)
	if calls != n || last != [2]int{n, n} {
		t.Fatalf("%d progress calls, the last %v; want %d ending at %d/%d", calls, last, n, n, n)
	}
}
