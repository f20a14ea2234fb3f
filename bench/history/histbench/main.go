// Command histbench records synthetic runs in a SQLite history store through
// the history API (the path a scan takes) and measures the insert rate, the
// trend query time and the file size. bench/history/run.sh drives it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mfpscan/mfpscan/bench/internal/cli"
	"github.com/mfpscan/mfpscan/history"
)

func main() {
	runs := flag.Int("runs", 1000, "runs to record")
	devices := flag.Int("devices", 1000, "devices per run")
	rules := flag.Int("rules", 47, "rules per device")
	db := flag.String("db", "", "store path (SQLite file, must not exist)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	stopProfile, err := cli.CPUProfile(*cpuprofile)
	if err == nil {
		err = bench(context.Background(), *db, *runs, *devices, *rules)
		stopProfile()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "histbench:", err)
		os.Exit(1)
	}
}

var severities = []string{"critical", "high", "medium", "low", "info"}

func bench(ctx context.Context, db string, runs, devices, rules int) error {
	if db == "" {
		return fmt.Errorf("give -db PATH")
	}
	if _, err := os.Stat(db); err == nil {
		return fmt.Errorf("%s exists; give a new path", db)
	}
	s, err := history.Open(ctx, db)
	if err != nil {
		return err
	}
	defer s.Close()
	// Fixed clock: run r starts r hours after t0, so the data does not
	// depend on when the benchmark runs.
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	res := make([]history.Result, rules)
	start := time.Now()
	for r := range runs {
		id, err := s.BeginRun(ctx, history.Run{Site: "bench", StartedAt: t0.Add(time.Duration(r) * time.Hour), Targets: []string{"127.0.0.0/22"}, Tool: "mfpscan", ToolVersion: "bench", CatalogueVersion: "47 rules"})
		if err != nil {
			return err
		}
		for d := range devices {
			for j := range res {
				st := "pass"
				switch (d*7 + j*3 + r) % 10 {
				case 0, 1:
					st = "fail"
				case 2:
					st = "review"
				}
				res[j] = history.Result{RuleID: fmt.Sprintf("rule.%02d", j), Status: st, Severity: severities[j%len(severities)], KeyPoint: 1 + j%14}
			}
			dev := history.Device{ID: fmt.Sprintf("serial:BENCH%05d", d), Address: fmt.Sprintf("127.0.%d.%d", d/250, 1+d%250), Vendor: "Canon", Model: "iR-ADV", Serial: fmt.Sprintf("BENCH%05d", d), Firmware: fmt.Sprintf("1.%d", r/100)}
			if err := s.RecordDevice(ctx, id, dev, res); err != nil {
				return err
			}
		}
		if err := s.FinishRun(ctx, id, history.RunEnd{FinishedAt: t0.Add(time.Duration(r)*time.Hour + 10*time.Minute)}); err != nil {
			return err
		}
		if (r+1)%10 == 0 || r+1 == runs {
			el := time.Since(start)
			fmt.Fprintf(os.Stderr, "run %d/%d  %.0f results/s\n", r+1, runs, float64((r+1)*devices*rules)/el.Seconds())
		}
	}
	elapsed := time.Since(start)
	total := runs * devices * rules
	fmt.Printf("recorded: %d runs x %d devices x %d rules = %d results in %s\n", runs, devices, rules, total, elapsed.Round(time.Millisecond))
	fmt.Printf("insert rate: %.0f results/s, %.2f s per run\n", float64(total)/elapsed.Seconds(), elapsed.Seconds()/float64(runs))
	for _, by := range []string{"severity", "key-point", "site"} {
		for _, since := range []time.Time{{}, t0.Add(time.Duration(runs-90) * time.Hour)} {
			qs := time.Now()
			pts, err := s.Trend(ctx, history.TrendQuery{By: by, Since: since})
			if err != nil {
				return err
			}
			label := "all runs"
			if !since.IsZero() {
				label = "last 90 runs"
			}
			fmt.Printf("trend --by %s (%s): %d points in %s\n", by, label, len(pts), time.Since(qs).Round(time.Millisecond))
		}
	}
	end := t0.Add(time.Duration(runs) * time.Hour)
	for _, since := range []time.Time{{}, t0.Add(time.Duration(runs-90) * time.Hour)} {
		qs := time.Now()
		m, err := s.MTTR(ctx, history.MTTRQuery{Since: since, AsOf: end})
		if err != nil {
			return err
		}
		fixed := 0
		for _, x := range m {
			fixed += x.Fixed
		}
		label := "all runs"
		if !since.IsZero() {
			label = "last 90 runs"
		}
		fmt.Printf("mttr (%s): %d fixed findings in %s\n", label, fixed, time.Since(qs).Round(time.Millisecond))
	}
	qs := time.Now()
	if _, err := s.Runs(ctx, 0); err != nil {
		return err
	}
	fmt.Printf("history runs (all): %s\n", time.Since(qs).Round(time.Millisecond))
	qs = time.Now()
	if _, err := s.Device(ctx, "serial:BENCH00042"); err != nil {
		return err
	}
	fmt.Printf("history device: %s\n", time.Since(qs).Round(time.Millisecond))
	s.Close()
	var size int64
	matches, _ := filepath.Glob(db + "*")
	for _, m := range matches {
		if fi, err := os.Stat(m); err == nil {
			size += fi.Size()
		}
	}
	fmt.Printf("file size: %.1f MiB (%s and its -wal/-shm), %.1f bytes per result\n", float64(size)/(1<<20), filepath.Base(db), float64(size)/float64(total))
	return nil
}
