package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/internal/testpeer"
)

// The demo fleet's addresses on the subnet this test gives the lab.
const (
	trendFactory  = "127.93.0.10"
	trendHardened = "127.93.0.11"
	trendSmall    = "127.93.0.12"
	trendHP       = "127.93.0.13"
)

// trendWeeks is what changes in the fleet before each weekly sweep, on top
// of the weeks before: a device takes over a section of the hardened
// device's first facts (its owner applied the hardened settings), the
// hardened device takes a section of another (a regression), or a device is
// gone.
var trendWeeks = []struct {
	harden  map[string][]string // address → sections taken from the hardened device
	regress map[string][]string // address → sections the hardened device takes from it
	gone    []string
}{
	{},
	{harden: map[string][]string{trendFactory: {"snmp"}}},
	{harden: map[string][]string{trendHP: {"snmp"}, trendSmall: {"remote_ui"}}},
	{harden: map[string][]string{trendFactory: {"tls", "remote_ui"}}, regress: map[string][]string{trendHP: {"tls"}}},
	{harden: map[string][]string{trendSmall: {"snmp", "tls"}}},
	{gone: []string{trendHP}},
}

// TestTrendsScreenshot records six weekly sweeps of the demo fleet in a
// history store, the last report's trends section in Chromium. The README's
// docs/img/trends.png is made by:
//
//	MFPSCAN_ARTIFACTS=$PWD/docs/img go test ./cmd/mfpscan -run TestTrendsScreenshot
//
// The first sweep is a real `mfpscan demo` on loopback; the weeks after are
// `mfpscan eval` runs of its facts as changed by trendWeeks, each stamped a
// week later (a fixed clock: the facts' scan start is the run's start).
func TestTrendsScreenshot(t *testing.T) {
	bin := testpeer.Chromium(t)
	dir := t.TempDir()
	demo := filepath.Join(dir, "demo")
	if code, out, msg := runCLI(t, "demo", "--no-history", "--subnet", "127.93.0.0/24", "--out", demo, "--format", "json", "-q"); code != 0 {
		t.Fatalf("demo: exit %d %s\n%s", code, msg, out)
	}
	fleet := readFleet(t, filepath.Join(demo, "facts"))
	for _, a := range []string{trendFactory, trendHardened, trendSmall, trendHP} {
		if fleet[a] == nil {
			t.Fatalf("demo facts have no %s: %v", a, fleet)
		}
	}
	gold := fleet[trendHardened]
	fleet[trendHardened] = copyDoc(gold)
	store := filepath.Join(dir, "history.db")
	t0 := time.Date(2026, 11, 2, 7, 30, 0, 0, time.UTC)
	var last string
	for week, change := range trendWeeks {
		for addr, sections := range change.harden {
			for _, s := range sections {
				fleet[addr][s] = gold[s]
			}
		}
		for addr, sections := range change.regress {
			for _, s := range sections {
				fleet[trendHardened][s] = fleet[addr][s]
			}
		}
		for _, addr := range change.gone {
			delete(fleet, addr)
		}
		in := filepath.Join(dir, "facts", string(rune('0'+week)))
		writeFleet(t, in, fleet, t0.Add(time.Duration(week)*7*24*time.Hour))
		last = filepath.Join(dir, "run", string(rune('0'+week)))
		if code, out, msg := runCLI(t, "eval", "--history", store, "--site", "demo", "--out", last, "--format", "html,json", "-q", in); code != 0 {
			t.Fatalf("eval week %d: exit %d %s\n%s", week, code, msg, out)
		}
	}
	// The story must show remediation, or the picture shows nothing.
	_, out, msg := runCLI(t, "history", "mttr", "--history", store, "--format", "json")
	var mttr []struct {
		Fixed int `json:"fixed"`
		Open  int `json:"open"`
	}
	if err := json.Unmarshal([]byte(out), &mttr); err != nil {
		t.Fatalf("history mttr: %v %s\n%s", err, msg, out)
	}
	fixed, open := 0, 0
	for _, m := range mttr {
		fixed += m.Fixed
		open += m.Open
	}
	if fixed == 0 || open == 0 {
		t.Fatalf("six weeks fixed %d and left %d findings open: %s", fixed, open, out)
	}
	page, err := os.ReadFile(filepath.Join(last, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{`id="trend-severity"`, `id="trend-changes"`, `id="trend-mttr"`, `id="trend-missing"`} {
		if !strings.Contains(string(page), id) {
			t.Errorf("last report has no %s", id)
		}
	}
	artifacts := os.Getenv("MFPSCAN_ARTIFACTS")
	if artifacts == "" {
		artifacts = t.TempDir()
	} else if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	// The picture is the trends section alone: the same page with the
	// other sections hidden.
	only := strings.Replace(string(page), "</head>", "<style>body > :not(#trends){display:none}</style></head>", 1)
	shot := filepath.Join(last, "trends-only.html")
	if err := os.WriteFile(shot, []byte(only), 0o644); err != nil {
		t.Fatal(err)
	}
	png := filepath.Join(artifacts, "trends.png")
	testpeer.RunChromium(t, bin, "--screenshot="+png, "--window-size=760,1640", "--hide-scrollbars", "file://"+shot)
	info, err := os.Stat(png)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	if info.Size() < 10<<10 || info.Size() > 250<<10 {
		t.Errorf("screenshot is %d bytes, want 10–250 KiB (blank page, or too large for the README)", info.Size())
	}
	t.Logf("screenshot: %s", png)
}

// readFleet loads the demo's facts documents by address, as generic JSON so
// the test moves whole sections without knowing their fields.
func readFleet(t *testing.T, dir string) map[string]map[string]any {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no facts in %s: %v", dir, err)
	}
	fleet := map[string]map[string]any{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		addr, _ := doc["address"].(string)
		fleet[addr] = doc
	}
	return fleet
}

// writeFleet writes one sweep's facts with its scan stamped at start.
func writeFleet(t *testing.T, dir string, fleet map[string]map[string]any, start time.Time) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for addr, doc := range fleet {
		scan, _ := doc["scan"].(map[string]any)
		if scan == nil {
			t.Fatalf("%s: facts without a scan block", addr)
		}
		stamped := copyDoc(scan)
		stamped["started_at"] = start.Format(time.RFC3339)
		stamped["finished_at"] = start.Add(4 * time.Minute).Format(time.RFC3339)
		out := copyDoc(doc)
		out["scan"] = stamped
		b, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, addr+".json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// copyDoc copies the top level of a JSON object; sections are replaced
// whole, never changed in place, so they may be shared.
func copyDoc(doc map[string]any) map[string]any {
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		out[k] = v
	}
	return out
}
