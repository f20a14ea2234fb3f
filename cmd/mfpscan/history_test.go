package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/internal/cliconfig"
)

// runTests points the default history store of every test (and of the CLI
// subprocesses they start, which inherit the environment) into a temporary
// directory, so no test ever writes to the real state path; and it turns the
// config files off for those subprocesses (MFPSCAN_CONFIG set and empty), so
// the machine's /etc/mfpscan/config.yaml never steers a test.
func runTests(m interface{ Run() int }) int {
	dir, err := os.MkdirTemp("", "mfpscan-cli-state-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	os.Unsetenv("STATE_DIRECTORY")
	os.Setenv("XDG_STATE_HOME", dir)
	os.Setenv(cliconfig.EnvConfig, "")
	if os.Getenv("HOME") == "" {
		os.Setenv("HOME", dir)
	}
	return m.Run()
}

func runHistoryCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRootCommand()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

func TestHistoryDemoRecordsAndQueries(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "h.db")
	for i, site := range []string{"hq", "hq"} {
		out := filepath.Join(dir, "run", string(rune('a'+i)))
		args := []string{"eval", "--history", store, "--site", site, "--out", out, "--format", "sarif,json,html", "-q", "../../testdata/reports/facts-127.77.0.10.json"}
		if i == 1 {
			args = append(args, "--baseline", "history")
		}
		if o, err := runHistoryCLI(t, args...); err != nil {
			t.Fatalf("eval %d: %v\n%s", i, err, o)
		}
	}
	o, err := runHistoryCLI(t, "history", "runs", "--history", store, "--format", "json")
	if err != nil {
		t.Fatal(err, o)
	}
	var runs []struct {
		State   string
		Devices int
		Site    string
	}
	if err := json.Unmarshal([]byte(o), &runs); err != nil {
		t.Fatalf("%v: %s", err, o)
	}
	if len(runs) != 2 || runs[0].State != "complete" || runs[0].Devices == 0 || runs[0].Site != "hq" {
		t.Fatalf("runs: %s", o)
	}
	sarif, err := os.ReadFile(filepath.Join(dir, "run", "b", "results.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(sarif), `"baselineState": "unchanged"`) {
		t.Error("second run with --baseline history has no unchanged results")
	}
	page, err := os.ReadFile(filepath.Join(dir, "run", "b", "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `id="trend-severity"`) || !strings.Contains(string(page), `id="trend-keypoints"`) {
		t.Error("report of the second run has no trend charts")
	}
	o, err = runHistoryCLI(t, "history", "trend", "--history", store, "--by", "key-point", "--format", "csv")
	if err != nil || !strings.HasPrefix(o, "RUN,STARTED,SITE,KEY-POINT,FAILED") || strings.Count(o, "\n") < 3 {
		t.Errorf("trend csv: %v\n%s", err, o)
	}
	if _, err := runHistoryCLI(t, "history", "trend", "--history", store, "--by", "colour"); err == nil {
		t.Error("bad --by accepted")
	}
	// The same facts failed twice: findings are open, none is fixed.
	o, err = runHistoryCLI(t, "history", "mttr", "--history", store, "--format", "json")
	if err != nil {
		t.Fatal(err, o)
	}
	var mttr []struct {
		Severity string  `json:"severity"`
		Fixed    int     `json:"fixed"`
		MTTR     float64 `json:"mttr_seconds"`
		Open     int     `json:"open"`
	}
	if err := json.Unmarshal([]byte(o), &mttr); err != nil {
		t.Fatalf("%v: %s", err, o)
	}
	open := 0
	for _, m := range mttr {
		open += m.Open
		if m.Fixed != 0 || m.MTTR != 0 {
			t.Errorf("nothing was fixed, mttr says %+v", m)
		}
	}
	if open == 0 {
		t.Errorf("no open findings after two failing runs: %s", o)
	}
	o, err = runHistoryCLI(t, "history", "mttr", "--history", store, "--since", "30d")
	if err != nil || !strings.HasPrefix(o, "SEVERITY") || !strings.Contains(o, " - ") {
		t.Errorf("mttr table: %v\n%s", err, o)
	}
	if _, err := runHistoryCLI(t, "history", "mttr", "--history", store, "--since", "soon"); err == nil {
		t.Error("bad --since accepted")
	}
}

func TestHistoryBrokenStoreStillWritesReports(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "h.db")
	if err := os.WriteFile(store, bytes.Repeat([]byte("garbage!"), 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	o, err := runHistoryCLI(t, "eval", "--history", store, "--out", out, "--format", "json", "../../testdata/reports/facts-127.77.0.10.json")
	if err != nil {
		t.Fatalf("eval with a corrupt store failed: %v\n%s", err, o)
	}
	if !strings.Contains(o, "history not recorded") || !strings.Contains(o, "corrupt") {
		t.Errorf("no clear error about the store:\n%s", o)
	}
	if _, err := os.Stat(filepath.Join(out, "findings.json")); err != nil {
		t.Error("reports not written:", err)
	}
}

func TestHistoryDefaultPathIsTemporary(t *testing.T) {
	var f historyFlags
	p, err := f.resolve()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p, os.Getenv("XDG_STATE_HOME")) || !strings.Contains(p, "mfpscan-cli-state-") {
		t.Errorf("tests resolve the default store to %s, not a temp dir", p)
	}
}

// A scheduled job prunes before its first scan: a store that does not exist
// yet is nothing to prune, not an error, and is not created.
func TestHistoryPruneBeforeAnyStore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "history.db")
	code, out, msg := runCLI(t, "history", "prune", "--history", db, "--keep", "10")
	if code != 0 || !strings.Contains(out, "deleted 0 run(s)") {
		t.Fatalf("prune of a missing store: exit %d, out %q, err %q", code, out, msg)
	}
	if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("prune created %s: %v", db, err)
	}
	if code, _, _ := runCLI(t, "history", "runs", "--history", db); code != 2 {
		t.Errorf("history runs of a missing store: exit %d, want 2", code)
	}
}
