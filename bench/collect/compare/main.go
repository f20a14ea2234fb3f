// Command compare checks the collection benchmark's two runs
// (bench/collect/run.sh): wall time and peak RSS from bench/cmd/measure's
// result files, and the facts per device each tool reported (package factcount),
// overall and per lab profile. It prints the table and the issue 4 verdict
// (at least 3× faster than nmap while collecting more facts) and exits 1
// when a run is missing or broken; a missed target is reported, not an error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/mfpscan/mfpscan/bench/collect/internal/factcount"
	"github.com/mfpscan/mfpscan/bench/internal/cli"
	"github.com/mfpscan/mfpscan/bench/internal/labtruth"
	"github.com/mfpscan/mfpscan/bench/internal/measure"
)

// toolRun is one tool's measurement and facts, keyed by address.
type toolRun struct {
	name    string
	res     measure.Result
	devices map[string]factcount.Device
}

func main() { os.Exit(cli.Main("compare", run)) }

func run(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.Flags("compare", stderr)
	truthPath := fs.String("truth", "", "bench/cmd/benchlab truth JSON (required)")
	factsDir := fs.String("mfpscan", "", "mfpscan facts directory (OUT/facts, required)")
	mfpResult := fs.String("mfpscan-result", "", "measurement of the mfpscan run (required)")
	nmapXML := fs.String("nmap", "", "nmap -oX output (required)")
	nmapResult := fs.String("nmap-result", "", "measurement of the nmap run (required)")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if *truthPath == "" || *factsDir == "" || *mfpResult == "" || *nmapXML == "" || *nmapResult == "" {
		return errors.New("parse flags: -truth, -mfpscan, -mfpscan-result, -nmap and -nmap-result are required")
	}
	tr, err := labtruth.ReadFile(*truthPath)
	if err != nil {
		return err
	}
	mfp, err := loadMfpscan(*factsDir, *mfpResult)
	if err != nil {
		return err
	}
	nm, err := loadNmap(*nmapXML, *nmapResult)
	if err != nil {
		return err
	}
	report(stdout, tr, mfp, nm)
	return nil
}

// newToolRun starts a tool's run with its measurement read from
// resultPath and no devices yet.
func newToolRun(name, resultPath string) (toolRun, error) {
	res, err := measure.Read(resultPath)
	return toolRun{name: name, res: res, devices: map[string]factcount.Device{}}, err
}

func loadMfpscan(dir, resultPath string) (toolRun, error) {
	t, err := newToolRun("mfpscan", resultPath)
	if err != nil {
		return t, err
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return t, fmt.Errorf("list facts: %w", err)
	}
	for _, p := range paths {
		d, err := countFile(p, factcount.CountFacts)
		if err != nil {
			return t, err
		}
		t.devices[d.Address] = d
	}
	return t, nil
}

func countFile[T any](path string, count func(io.Reader) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("count: %w", err)
	}
	defer f.Close()
	d, err := count(f)
	if err != nil {
		return d, fmt.Errorf("count %s: %w", path, err)
	}
	return d, nil
}

func loadNmap(path, resultPath string) (toolRun, error) {
	t, err := newToolRun("nmap", resultPath)
	if err != nil {
		return t, err
	}
	ds, err := countFile(path, factcount.CountNmapXML)
	if err != nil {
		return t, err
	}
	for _, d := range ds {
		t.devices[d.Address] = d
	}
	return t, nil
}

// stats sums one tool's facts over the truth's devices.
type stats struct {
	covered, total int
	byProfile      map[string][2]int // profile → {facts, devices}
	byCategory     map[string]int
}

func summarize(tr labtruth.Truth, t toolRun) stats {
	s := stats{byProfile: map[string][2]int{}, byCategory: map[string]int{}}
	for _, dev := range tr.Devices {
		d, ok := t.devices[dev.Address]
		p := s.byProfile[dev.Profile]
		p[1]++
		if ok {
			s.covered++
			s.total += d.Total()
			p[0] += d.Total()
			for k, v := range d.Categories {
				s.byCategory[k] += v
			}
		}
		s.byProfile[dev.Profile] = p
	}
	return s
}

func report(w io.Writer, tr labtruth.Truth, mfp, nm toolRun) {
	n := len(tr.Devices)
	ms, ns := summarize(tr, mfp), summarize(tr, nm)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "tool\twall s\tpeak RSS MB\texit\tdevices reported\tfacts\tfacts/device\n")
	for _, r := range []struct {
		t toolRun
		s stats
	}{{mfp, ms}, {nm, ns}} {
		exit := fmt.Sprint(r.t.res.ExitCode)
		if r.t.res.TimedOut {
			exit += " (timed out)"
		}
		fmt.Fprintf(tw, "%s\t%.1f\t%.1f\t%s\t%d/%d\t%d\t%.1f\n", r.t.name, r.t.res.WallSeconds,
			r.t.res.RSSMB(), exit, r.s.covered, n, r.s.total, perDevice(r.s.total, n))
	}
	tw.Flush()

	fmt.Fprintln(w, "\nfacts per device, by lab profile (mfpscan / nmap):")
	profiles := make([]string, 0, len(ms.byProfile))
	for p := range ms.byProfile {
		profiles = append(profiles, p)
	}
	sort.Strings(profiles)
	for _, p := range profiles {
		m, x := ms.byProfile[p], ns.byProfile[p]
		fmt.Fprintf(w, "  %-18s %6.1f / %6.1f  (%d devices)\n", p, perDevice(m[0], m[1]), perDevice(x[0], x[1]), m[1])
	}
	fmt.Fprintf(w, "\nfacts per device, by category:\n  mfpscan: %s\n  nmap:    %s\n",
		categoryLine(ms.byCategory, n), categoryLine(ns.byCategory, n))

	collectorTimes(w, mfp, n)

	speedup := 0.0
	if mfp.res.WallSeconds > 0 {
		speedup = nm.res.WallSeconds / mfp.res.WallSeconds
	}
	fast := speedup >= 3 && mfp.res.ExitCode == 0 && !mfp.res.TimedOut
	more := ms.total > ns.total && ms.covered == n
	fmt.Fprintf(w, "\nissue 4 target: mfpscan %.2f× faster than nmap (want ≥ 3×): %s; facts %d vs %d (%.2f×, want more): %s\n",
		speedup, verdict(fast), ms.total, ns.total, ratio(ms.total, ns.total), verdict(more))
}

// collectorTimes prints where mfpscan's per-device collection time went:
// the sum over devices (busy time, overlapping across devices) and the
// slowest device, per collector.
func collectorTimes(w io.Writer, mfp toolRun, devices int) {
	sum, worst := map[string]int64{}, map[string]int64{}
	for _, d := range mfp.devices {
		for c, ms := range d.CollectorMS {
			sum[c] += ms
			worst[c] = max(worst[c], ms)
		}
	}
	names := make([]string, 0, len(sum))
	for c := range sum {
		names = append(names, c)
	}
	sort.Slice(names, func(i, j int) bool { return sum[names[i]] > sum[names[j]] })
	fmt.Fprintln(w, "\nmfpscan collector time (sum over devices / mean per device / slowest device):")
	for _, c := range names {
		fmt.Fprintf(w, "  %-12s %8.1f s  %7.0f ms  %6d ms\n", c, float64(sum[c])/1000, float64(sum[c])/float64(max(devices, 1)), worst[c])
	}
}

func perDevice(facts, devices int) float64 {
	if devices == 0 {
		return 0
	}
	return float64(facts) / float64(devices)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func categoryLine(cats map[string]int, devices int) string {
	parts := make([]string, 0, len(cats))
	for _, k := range slices.Sorted(maps.Keys(cats)) {
		parts = append(parts, fmt.Sprintf("%s %.1f", k, perDevice(cats[k], devices)))
	}
	return strings.Join(parts, ", ")
}
