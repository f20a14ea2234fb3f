package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/bench/discovery/internal/portset"
	"github.com/mfpscan/mfpscan/bench/internal/measure"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in      string
		want    target
		wantErr bool
	}{
		{in: "wall:mfpscan/nmap-T4<=0.02", want: target{Kind: "wall", A: "mfpscan", B: "nmap-T4", Limit: 0.02}},
		{in: "rss:mfpscan<=150", want: target{Kind: "rss", A: "mfpscan", Limit: 150}},
		{in: "cpu:mfpscan<=1", wantErr: true},
		{in: "wall:mfpscan<1", wantErr: true},
		{in: "wall:mfpscan/<=1", wantErr: true},
		{in: "wall:a/b/c<=1", wantErr: true},
		{in: "wall:a<=-1", wantErr: true},
		{in: "wall:<=1", wantErr: true},
	}
	for _, tt := range tests {
		got, err := parseTarget(tt.in)
		if tt.wantErr {
			if err == nil {
				t.Errorf("parseTarget(%q) = %+v, want error", tt.in, got)
			}
			continue
		}
		tt.want.Expr = tt.in
		if err != nil || got != tt.want {
			t.Errorf("parseTarget(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseRunSpec(t *testing.T) {
	got, err := parseRunSpec("nmap-sT:nmap:/tmp/o.xml:/tmp/r.json")
	if err != nil || got != (runSpec{"nmap-sT", "nmap", "/tmp/o.xml", "/tmp/r.json"}) {
		t.Errorf("parseRunSpec = %+v, %v", got, err)
	}
	for _, bad := range []string{"a:nmap:o", "a:masscan:o:r", ":nmap:o:r"} {
		if _, err := parseRunSpec(bad); err == nil {
			t.Errorf("parseRunSpec(%q): no error", bad)
		}
	}
}

func TestCheckTargets(t *testing.T) {
	rows := []row{
		{Name: "mfpscan", Result: measure.Result{WallSeconds: 1, MaxRSSKB: 100 * 1024}},
		{Name: "nmap", Result: measure.Result{WallSeconds: 4}},
		{Name: "broken", Result: measure.Result{WallSeconds: 0.1}, Missing: make([]portset.Key, 1)},
	}
	targets := []string{
		"wall:mfpscan/nmap<=0.5", // 0.25: met
		"wall:mfpscan/nmap<=0.2", // 0.25: missed
		"rss:mfpscan<=150",       // 100: met
		"rss:mfpscan<=50",        // missed
		"wall:mfpscan/absent<=1", // not measured
		"wall:broken/nmap<=1",    // a wrong answer never meets a target
	}
	wantMet := []bool{true, false, true, false, false, false}
	wantWord := []string{"met (0.250", "MISSED (0.250", "met (100.000", "MISSED", "not measured", "not correct"}
	var ts []target
	for _, s := range targets {
		tg, err := parseTarget(s)
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, tg)
	}
	for i, r := range checkTargets(ts, rows) {
		if r.Met != wantMet[i] || !strings.Contains(r.Outcome, wantWord[i]) {
			t.Errorf("%s: met=%v outcome=%q; want met=%v containing %q", targets[i], r.Met, r.Outcome, wantMet[i], wantWord[i])
		}
	}
}

// writeRun leaves a tool's output and measurement where report reads them.
func writeRun(t *testing.T, dir, name, output string, res measure.Result) string {
	t.Helper()
	out := filepath.Join(dir, name+".out")
	result := filepath.Join(dir, name+".result.json")
	if err := os.WriteFile(out, []byte(output), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := measure.Write(result, res); err != nil {
		t.Fatal(err)
	}
	return name + ":mfpscan:" + out + ":" + result
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	truth := filepath.Join(dir, "truth.json")
	if err := os.WriteFile(truth, []byte(`{"devices":[{"address":"127.88.0.10","tcp_ports":[80,443]}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	both := `{"address":"127.88.0.10","port":80,"protocol":"tcp","state":"open"}
{"address":"127.88.0.10","port":443,"protocol":"tcp","state":"open"}
`
	good := writeRun(t, dir, "mfpscan", both, measure.Result{WallSeconds: 0.5, MaxRSSKB: 20480})
	slow := writeRun(t, dir, "slow", both, measure.Result{WallSeconds: 2})
	md := filepath.Join(dir, "table.md")

	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-truth", truth, "-markdown", md, "-target", "wall:mfpscan/slow<=0.5", good, slow}, &out, &errOut)
	if err != nil {
		t.Fatalf("report: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"mfpscan  0.50", "20.0", "4.00×", "met (0.250"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	if b, _ := os.ReadFile(md); !strings.Contains(string(b), "| slow | 2.00 | 0.0 | 2 | yes | 4.00× |") {
		t.Errorf("markdown:\n%s", b)
	}

	// One port short, a failed exit and a missing output each fail the run.
	short := writeRun(t, dir, "short", both[:strings.Index(both, "\n")+1], measure.Result{WallSeconds: 1})
	failed := writeRun(t, dir, "failed", both, measure.Result{WallSeconds: 1, ExitCode: 3})
	for _, bad := range []string{short, failed, "gone:nmap:" + filepath.Join(dir, "nope.xml") + ":" + filepath.Join(dir, "slow.result.json")} {
		out.Reset()
		errOut.Reset()
		err := run(context.Background(), []string{"-truth", truth, good, bad}, &out, &errOut)
		if !errors.Is(err, errMismatch) {
			t.Errorf("%s: err = %v, want mismatch\n%s", bad, err, out.String())
		}
		if !strings.Contains(out.String(), "NO (") {
			t.Errorf("%s: table does not say NO:\n%s", bad, out.String())
		}
	}
	if !strings.Contains(out.String(), "no output") {
		t.Errorf("missing output not named:\n%s", out.String())
	}
}
