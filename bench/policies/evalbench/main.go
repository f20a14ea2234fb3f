// Command evalbench times mfpscan's policy engine over a JSON array of facts
// documents (from bench/policies/gen): Load once, then EvaluateAll with
// GOMAXPROCS workers. With -opa it also reads the output of the matching
// `opa eval` run (bench/policies/wrapper.rego) and checks that both give
// every device × rule the same status.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/mfpscan/mfpscan/bench/internal/cli"
	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/inputfile"
	"github.com/mfpscan/mfpscan/policies"
)

// maxInput caps the documents file and the opa output read back.
const maxInput = 2 << 30

func main() {
	docsPath := flag.String("docs", "", "JSON array of facts documents")
	opaPath := flag.String("opa", "", "optional `opa eval --format json` output to cross-check")
	workers := flag.Int("workers", 0, "EvaluateAll workers (0: GOMAXPROCS)")
	dumpPath := flag.String("dump", "", "optional file to write every result to as JSON, to diff two catalogue versions")
	var opts policies.Options
	flag.Func("policy", "custom policy directory or file (repeatable)", func(v string) error {
		opts.Policies = append(opts.Policies, v)
		return nil
	})
	flag.Func("data", "data file merged over the defaults (repeatable)", func(v string) error {
		opts.DataFiles = append(opts.DataFiles, v)
		return nil
	})
	flag.BoolVar(&opts.NoBuiltin, "no-builtin", false, "leave out the built-in catalogue (and its default data)")
	flag.StringVar(&opts.Evaluator, "evaluator", "", "policies.Options.Evaluator: empty (compiled when possible, as the pipeline), topdown or compiled")
	cpuProfile := flag.String("cpuprofile", "", "optional file to write a CPU profile of the evaluation to")
	defaultGC := flag.Bool("default-gc", false, "keep Go's default GC target instead of the pipeline's policies.RelaxGC")
	flag.Parse()
	if !*defaultGC {
		// As the pipeline does around EvaluateAll (GOGC, when set, still
		// wins); the process ends after the evaluation, so nothing restores it.
		policies.RelaxGC()
	}
	if err := run(context.Background(), opts, *docsPath, *opaPath, *dumpPath, *cpuProfile, *workers); err != nil {
		fmt.Fprintln(os.Stderr, "evalbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, opts policies.Options, docsPath, opaPath, dumpPath, cpuProfile string, workers int) error {
	if docsPath == "" {
		return errors.New("check flags: -docs is required")
	}
	raw, err := readCapped(docsPath)
	if err != nil {
		return err
	}
	var docs []*facts.Device
	if err := json.Unmarshal(raw, &docs); err != nil {
		return fmt.Errorf("decode documents: %w", err)
	}
	raw = nil
	start := time.Now()
	eng, err := policies.Load(ctx, opts)
	if err != nil {
		return fmt.Errorf("load policies: %w", err)
	}
	loadDur := time.Since(start)

	// The profile covers the evaluation only, not the loading of documents.
	stopProfile, err := cli.CPUProfile(cpuProfile)
	if err != nil {
		return err
	}
	cpu0 := cpuTime()
	start = time.Now()
	results, err := eng.EvaluateAll(ctx, docs, workers)
	if err != nil {
		return fmt.Errorf("evaluate: %w", err)
	}
	wall := time.Since(start)
	cpu := cpuTime() - cpu0
	stopProfile()

	fails := 0
	for _, r := range results {
		if r.Status == policies.StatusFail {
			fails++
		}
	}
	fmt.Printf("mfpscan: devices=%d rules=%d results=%d fail=%d gomaxprocs=%d evaluator=%s\n",
		len(docs), len(eng.Rules()), len(results), fails, runtime.GOMAXPROCS(0), eng.Evaluator())
	fmt.Printf("mfpscan: load=%s eval_wall=%s eval_cpu=%s devices_per_s=%.0f peak_rss_mb=%.0f\n",
		loadDur.Round(time.Millisecond), wall.Round(time.Millisecond), cpu.Round(time.Millisecond),
		float64(len(docs))/wall.Seconds(), peakRSSMB())
	if dumpPath != "" {
		if err := dump(dumpPath, results); err != nil {
			return err
		}
	}
	if opaPath == "" {
		return nil
	}
	return crossCheck(eng, docs, results, opaPath)
}

func readCapped(path string) ([]byte, error) {
	raw, err := inputfile.Read(path, maxInput)
	if err != nil {
		return nil, fmt.Errorf("read input: %w", err)
	}
	return raw, nil
}

// dump writes the results, one JSON object per line, so that the output of
// two catalogue versions can be compared with diff: statuses alone (the
// cross-check) would miss a changed message or finding.
func dump(path string, results []policies.Result) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create dump: %w", err)
	}
	enc := json.NewEncoder(f)
	for _, r := range results {
		if err := enc.Encode(r); err != nil {
			f.Close()
			return fmt.Errorf("write dump: %w", err)
		}
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close dump: %w", err)
	}
	return nil
}

// opaOutput is the part of `opa eval --format json` the check reads:
// results[0].expressions[0].value is one object per document, package →
// sets.
type opaOutput struct {
	Result []struct {
		Expressions []struct {
			Value []map[string]map[string][]any `json:"value"`
		} `json:"expressions"`
	} `json:"result"`
}

// crossCheck derives each device × rule status from opa's sets with the
// contract's order (not_applicable, fail, review, pass) and compares it
// with the engine's result.
func crossCheck(eng *policies.Engine, docs []*facts.Device, results []policies.Result, path string) error {
	raw, err := readCapped(path)
	if err != nil {
		return err
	}
	var out opaOutput
	if err := json.Unmarshal(raw, &out); err != nil {
		return fmt.Errorf("decode opa output: %w", err)
	}
	if len(out.Result) != 1 || len(out.Result[0].Expressions) != 1 {
		return errors.New("cross-check: opa output has no single result")
	}
	perDoc := out.Result[0].Expressions[0].Value
	if len(perDoc) != len(docs) {
		return fmt.Errorf("cross-check: opa judged %d documents, mfpscan %d", len(perDoc), len(docs))
	}
	pkgOf := map[string]string{}
	for _, r := range eng.Rules() {
		pkgOf[r.ID] = r.Package
	}
	mine := map[string]policies.Status{} // address|package → status
	for _, r := range results {
		mine[r.Address+"|"+pkgOf[r.RuleID]] = r.Status
	}
	var compared, opaFails, mismatches int
	var examples []string
	for i, doc := range docs {
		for pkg, sets := range perDoc[i] {
			st := opaStatus(sets)
			if st == policies.StatusFail {
				opaFails++
			}
			compared++
			if got := mine[doc.Address+"|"+pkg]; got != st {
				mismatches++
				if len(examples) < 5 {
					examples = append(examples, fmt.Sprintf("%s %s: mfpscan %s, opa %s", doc.Address, pkg, got, st))
				}
			}
		}
	}
	sort.Strings(examples)
	fmt.Printf("cross-check: compared=%d opa_fail=%d mismatches=%d\n", compared, opaFails, mismatches)
	if compared != len(results) {
		return fmt.Errorf("cross-check: opa gave %d device×rule results, mfpscan %d", compared, len(results))
	}
	if mismatches > 0 {
		return fmt.Errorf("cross-check: %d statuses differ, e.g.\n  %s", mismatches, strings.Join(examples, "\n  "))
	}
	return nil
}

func opaStatus(sets map[string][]any) policies.Status {
	switch {
	case len(sets["not_applicable"]) > 0:
		return policies.StatusNotApplicable
	case len(sets["deny"]) > 0:
		return policies.StatusFail
	case len(sets["review"]) > 0:
		return policies.StatusReview
	}
	return policies.StatusPass
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSSMB is the process's high-water resident set (Linux reports KiB).
func peakRSSMB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024
}
