package history

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

type backend struct {
	name string
	new  func(t *testing.T) string // returns a fresh store target
}

var backends = []backend{
	{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "state", "history.db") }},
	{"postgres", newPostgresDSN},
}

// forEach runs fn against each backend, each with a fresh store.
func forEach(t *testing.T, fn func(t *testing.T, target string)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { fn(t, b.new(t)) })
	}
}

func mustOpen(t *testing.T, target string) Store {
	t.Helper()
	s, err := Open(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestRecordAndQuery(t *testing.T) {
	forEach(t, func(t *testing.T, target string) {
		ctx := context.Background()
		s := mustOpen(t, target)
		recordRuns(t, s, "hq", 3, 4)
		runs, err := s.Runs(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 3 || runs[0].State != "complete" || runs[0].Devices != 4 || runs[0].Site != "hq" {
			t.Fatalf("runs = %+v", runs)
		}
		// run 2: device i rule j fails when (i+j+2)%3==0 → 4 devices × 3 rules, count them.
		want := 0
		for i := range 4 {
			for j := range rules {
				if (i+j+2)%3 == 0 {
					want++
				}
			}
		}
		if runs[0].Failed != want {
			t.Errorf("newest run failed = %d, want %d", runs[0].Failed, want)
		}
		trend, err := s.Trend(ctx, TrendQuery{By: "severity"})
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, p := range trend {
			total += p.Failed + p.Passed
		}
		if total != 3*4*3 {
			t.Errorf("trend counts %d results, want %d: %+v", total, 3*4*3, trend)
		}
		kp, err := s.Trend(ctx, TrendQuery{By: "key-point", Since: t0.Add(90 * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		if len(kp) != 3 || kp[0].Key != "KP3" {
			t.Errorf("key-point trend since run 1 = %+v", kp)
		}
		if _, err := s.Trend(ctx, TrendQuery{By: "colour"}); err == nil {
			t.Error("unknown grouping accepted")
		}
		sarif, id, err := s.Baseline(ctx, "hq")
		if err != nil || string(sarif) != `{"run":2}` || id != runs[0].ID {
			t.Errorf("baseline = %s, %d, %v", sarif, id, err)
		}
		if b, _, err := s.Baseline(ctx, "elsewhere"); err != nil || b != nil {
			t.Errorf("baseline of unknown site = %s, %v", b, err)
		}
	})
}

func TestDeviceTimeline(t *testing.T) {
	forEach(t, func(t *testing.T, target string) {
		ctx := context.Background()
		s := mustOpen(t, target)
		d := device(1)
		for run, change := range []func(*Device){
			func(*Device) {},
			func(d *Device) { d.Address = "127.77.0.99" },
			func(d *Device) { d.Firmware = "2.0" },
		} {
			change(&d)
			id, err := s.BeginRun(ctx, Run{Site: "hq", StartedAt: t0.Add(time.Duration(run) * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.RecordDevice(ctx, id, d, results(1, run)); err != nil {
				t.Fatal(err)
			}
			if err := s.FinishRun(ctx, id, RunEnd{FinishedAt: t0.Add(time.Duration(run) * time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		for _, key := range []string{"serial:SN0001", "127.77.0.99", "127.77.0.11"} {
			tl, err := s.Device(ctx, key)
			if err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			kinds := []string{}
			for _, e := range tl.Events {
				kinds = append(kinds, e.Kind+":"+e.New)
			}
			if got := strings.Join(kinds, ","); got != "first_seen:127.77.0.11,address:127.77.0.99,firmware:2.0" {
				t.Errorf("%s: events %s", key, got)
			}
			if !tl.FirstSeen.Equal(t0) || !tl.LastSeen.Equal(t0.Add(2*time.Hour)) || len(tl.Runs) != 3 || tl.Firmware != "2.0" {
				t.Errorf("%s: timeline %+v", key, tl)
			}
		}
		if _, err := s.Device(ctx, "serial:nope"); err == nil {
			t.Error("unknown device found")
		}
	})
}

func TestPrune(t *testing.T) {
	forEach(t, func(t *testing.T, target string) {
		ctx := context.Background()
		s := mustOpen(t, target)
		recordRuns(t, s, "hq", 5, 2)
		recordRuns(t, s, "branch", 1, 2)
		n, err := s.Prune(ctx, PruneOptions{Keep: 2})
		if err != nil || n != 3 {
			t.Fatalf("prune --keep 2 = %d, %v; want 3 hq runs deleted", n, err)
		}
		n, err = s.Prune(ctx, PruneOptions{OlderThan: t0.Add(4 * time.Hour)})
		if err != nil || n != 2 {
			t.Fatalf("prune --older-than = %d, %v; want hq run 3 and the branch run", n, err)
		}
		runs, _ := s.Runs(ctx, 0)
		if len(runs) != 1 || !runs[0].StartedAt.Equal(t0.Add(4*time.Hour)) {
			t.Errorf("left: %+v", runs)
		}
		tr, _ := s.Trend(ctx, TrendQuery{By: "site"})
		if len(tr) != 1 || tr[0].Site != "hq" {
			t.Errorf("trend after prune: %+v", tr)
		}
	})
}

func TestConcurrentWriters(t *testing.T) {
	forEach(t, func(t *testing.T, target string) {
		ctx := context.Background()
		mustOpen(t, target).Close()
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for w, site := range []string{"site-a", "site-b"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Each writer has its own connection pool, like two processes.
				s, err := Open(ctx, target)
				if err != nil {
					errs[w] = err
					return
				}
				defer s.Close()
				for run := range 3 {
					if _, err := record(ctx, s, site, run, 20); err != nil {
						errs[w] = err
						return
					}
				}
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		runs, err := mustOpen(t, target).Runs(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		per := map[string]int{}
		for _, r := range runs {
			if r.State != "complete" || r.Devices != 20 {
				t.Errorf("run %+v", r)
			}
			per[r.Site]++
		}
		if per["site-a"] != 3 || per["site-b"] != 3 {
			t.Errorf("runs per site: %v", per)
		}
	})
}

func TestKilledWriterLeavesRunUnfinished(t *testing.T) {
	forEach(t, func(t *testing.T, target string) {
		ctx := context.Background()
		s := mustOpen(t, target)
		recordRuns(t, s, "hq", 1, 5)
		before, err := s.Trend(ctx, TrendQuery{By: "severity"})
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "HISTORY_TEST_WRITER="+target)
		stdin, _ := cmd.StdinPipe()
		defer stdin.Close()
		out, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "recorded") {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("writer said %q, %v", line, err)
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()

		s2 := mustOpen(t, target)
		runs, err := s2.Runs(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 2 || runs[0].Site != "killed" || runs[0].State != "unfinished" || runs[0].Failed != 0 || runs[1].State != "complete" {
			t.Fatalf("runs after kill: %+v", runs)
		}
		// The killed run did write rows; they must not count anywhere.
		if runs[0].Devices < batchDevices {
			t.Fatalf("killed writer left %d device rows, want at least a batch (%d)", runs[0].Devices, batchDevices)
		}
		after, err := s2.Trend(ctx, TrendQuery{By: "severity"})
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before) {
			t.Errorf("trend counts rows of the killed run: before %+v after %+v", before, after)
		}
		if _, err := s2.Device(ctx, "serial:SN0000"); err != nil {
			t.Error(err)
		}
		// The store still takes a new run after the crash.
		if _, err := record(ctx, s2, "hq", 1, 5); err != nil {
			t.Fatal(err)
		}
		if ss, ok := s2.(*sqlStore); ok && ss.d == dialectSQLite {
			var res string
			if err := ss.db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
				t.Errorf("integrity_check = %q, %v", res, err)
			}
		}
	})
}

func TestNewerSchemaRefused(t *testing.T) {
	forEach(t, func(t *testing.T, target string) {
		ctx := context.Background()
		s := mustOpen(t, target).(*sqlStore)
		if err := s.exec(ctx, s.db, `UPDATE schema_version SET version = ?`, SchemaVersion()+1); err != nil {
			t.Fatal(err)
		}
		s.Close()
		_, err := Open(ctx, target)
		if !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), "upgrade mfpscan") {
			t.Fatalf("open newer store: %v", err)
		}
	})
}

func TestCorruptSQLiteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	junk := []byte(strings.Repeat("this is not a database file, just text. ", 200))
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), "corrupt") || !strings.Contains(err.Error(), path) {
		t.Fatalf("open corrupt store: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != string(junk) {
		t.Error("opening a corrupt store changed the file")
	}
}

func TestDefaultPath(t *testing.T) {
	env := func(m map[string]string) Env {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	for _, tc := range []struct {
		env  map[string]string
		uid  int
		want string
	}{
		{map[string]string{"HOME": "/home/ann", "XDG_STATE_HOME": "/xdg"}, 1000, "/xdg/mfpscan/history.db"},
		{map[string]string{"HOME": "/home/ann"}, 1000, "/home/ann/.local/state/mfpscan/history.db"},
		{map[string]string{"HOME": "/home/ann", "XDG_STATE_HOME": "relative"}, 1000, "/home/ann/.local/state/mfpscan/history.db"},
		{map[string]string{"STATE_DIRECTORY": "/var/lib/mfpscan:/other", "HOME": "/root"}, 0, "/var/lib/mfpscan/history.db"},
		{map[string]string{}, 0, "/var/lib/mfpscan/history.db"},
		{map[string]string{"HOME": "/root"}, 0, "/root/.local/state/mfpscan/history.db"},
	} {
		got, err := DefaultPath(env(tc.env), tc.uid)
		if err != nil || got != tc.want {
			t.Errorf("DefaultPath(%v, %d) = %q, %v; want %q", tc.env, tc.uid, got, err, tc.want)
		}
	}
	if _, err := DefaultPath(env(nil), 1000); err == nil {
		t.Error("no HOME, no XDG: want an error")
	}
}

func TestParseAge(t *testing.T) {
	for in, want := range map[string]time.Duration{"90d": 90 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "12h": 12 * time.Hour} {
		if got, err := ParseAge(in); err != nil || got != want {
			t.Errorf("ParseAge(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "d", "-3d", "x9d", "soon"} {
		if _, err := ParseAge(bad); err == nil {
			t.Errorf("ParseAge(%q) accepted", bad)
		}
	}
}

// TestMigrationBackfillsCounts opens a store left at schema version 1 and
// checks that versions 2 and 3 rebuild the per-run counts and the findings
// from the results.
func TestMigrationBackfillsCounts(t *testing.T) {
	forEach(t, func(t *testing.T, target string) {
		ctx := context.Background()
		s := mustOpen(t, target).(*sqlStore)
		recordRuns(t, s, "hq", 2, 3)
		want, err := s.Trend(ctx, TrendQuery{By: "rule"})
		if err != nil {
			t.Fatal(err)
		}
		asOf := t0.Add(24 * time.Hour)
		wantMTTR, err := s.MTTR(ctx, MTTRQuery{AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"run_rule_counts", "findings", "baseline_parts"} {
			if err := s.exec(ctx, s.db, `DROP TABLE `+table); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.exec(ctx, s.db, `UPDATE schema_version SET version = 1`); err != nil {
			t.Fatal(err)
		}
		s.Close()
		s2 := mustOpen(t, target)
		if v, err := s2.SchemaVersion(ctx); err != nil || v != SchemaVersion() {
			t.Fatalf("schema version after reopen = %d, %v", v, err)
		}
		got, err := s2.Trend(ctx, TrendQuery{By: "rule"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("trend after migration:\n got %v\nwant %v", got, want)
		}
		gotMTTR, err := s2.MTTR(ctx, MTTRQuery{AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		if len(gotMTTR) == 0 || fmt.Sprint(gotMTTR) != fmt.Sprint(wantMTTR) {
			t.Errorf("time to remediate after migration:\n got %+v\nwant %+v", gotMTTR, wantMTTR)
		}
	})
}

func TestReportTrends(t *testing.T) {
	forEach(t, func(t *testing.T, target string) {
		ctx := context.Background()
		s := mustOpen(t, target)
		// Run 0 and 1 have 4 devices, run 2 only 3: device 3 went missing.
		for run, n := range []int{4, 4, 3} {
			if _, err := record(ctx, s, "hq", run, n); err != nil {
				t.Fatal(err)
			}
		}
		tr, err := s.ReportTrends(ctx, "hq", 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(tr.Runs) != 2 || !tr.Runs[0].HasPrevious || !tr.Runs[1].StartedAt.Equal(t0.Add(2*time.Hour)) {
			t.Fatalf("runs: %+v", tr.Runs)
		}
		// Expected from the results() rule: fail when (i+j+run)%3 == 0.
		fails := func(run, n int) map[[2]int]bool {
			m := map[[2]int]bool{}
			for i := range n {
				for j := range rules {
					if (i+j+run)%3 == 0 {
						m[[2]int{i, j}] = true
					}
				}
			}
			return m
		}
		for k, pair := range [][2]int{{0, 1}, {1, 2}} {
			ns := []int{4, 4, 3}
			before, now := fails(pair[0], ns[pair[0]]), fails(pair[1], ns[pair[1]])
			wantNew, wantFixed := 0, 0
			for f := range now {
				if !before[f] {
					wantNew++
				}
			}
			for f := range before {
				// Device 3 is missing from run 2: its failures are not fixed.
				if !now[f] && f[0] < ns[pair[1]] {
					wantFixed++
				}
			}
			if got := tr.Runs[k]; got.New != wantNew || got.Fixed != wantFixed {
				t.Errorf("run %d: new %d fixed %d, want %d %d", pair[1], got.New, got.Fixed, wantNew, wantFixed)
			}
			sum := 0
			for _, v := range tr.Runs[k].FailedBySeverity {
				sum += v
			}
			if sum != len(now) {
				t.Errorf("run %d: failed by severity sums to %d, want %d", pair[1], sum, len(now))
			}
		}
		if len(tr.KeyPoints) != 3 || tr.KeyPoints[0].KeyPoint != 3 || len(tr.KeyPoints[0].Compliance) != 2 {
			t.Errorf("key points: %+v", tr.KeyPoints)
		}
		if len(tr.Missing) != 1 || tr.Missing[0].ID != "serial:SN0003" || !tr.Missing[0].LastSeen.Equal(t0.Add(time.Hour)) {
			t.Errorf("missing: %+v", tr.Missing)
		}
		if e, err := s.ReportTrends(ctx, "nowhere", 5); err != nil || len(e.Runs) != 0 {
			t.Errorf("unknown site: %+v, %v", e, err)
		}
	})
}
