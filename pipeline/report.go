package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/inputfile"
	"github.com/mfpscan/mfpscan/policies"
	"github.com/mfpscan/mfpscan/reports"
)

// FindingsError is returned when results at or above --fail-on were found;
// the reports have been written.
type FindingsError struct {
	Threshold string
	Count     int
}

func (e *FindingsError) Error() string {
	return fmt.Sprintf("%d finding(s) at or above severity %s", e.Count, e.Threshold)
}

// ReportFormats lists the valid --format names.
func ReportFormats() []string { return reports.Formats() }

// prepared holds everything validated before the first packet is sent.
type prepared struct {
	policies *policies.Engine
	writers  []reports.Writer
	history  *historyRun
}

// prepare validates every input of the run (policies, data, waivers,
// baseline, output directory) so a mistake stops the run before any probe.
func prepare(ctx context.Context, cfg Config) (*prepared, error) {
	eng, err := loadPolicies(ctx, cfg)
	if err != nil {
		return nil, err
	}
	ws, err := writersFor(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := checkOutDir(cfg.OutDir); err != nil {
		return nil, err
	}
	return &prepared{policies: eng, writers: ws, history: openHistory(ctx, cfg, eng.Rules())}, nil
}

// loadPolicies compiles the catalogue and custom rules, with data and waivers.
// It runs before any probe so a broken policy stops the run with nothing sent.
func loadPolicies(ctx context.Context, cfg Config) (*policies.Engine, error) {
	// The policy loader opens these itself; checking first means a FIFO or
	// device fails at once instead of blocking the run.
	checks := [][2]string{{"--waivers", cfg.WaiversFile}}
	for _, p := range cfg.DataFiles {
		checks = append(checks, [2]string{"--data", p})
	}
	for _, c := range checks {
		if c[1] == "" {
			continue
		}
		if err := inputfile.Check(c[1]); err != nil {
			return nil, Usagef("read %s: %v", c[0], err)
		}
	}
	var waivers []policies.Waiver
	if cfg.WaiversFile != "" {
		w, err := policies.LoadWaivers(cfg.WaiversFile, cfg.now()())
		if err != nil {
			return nil, Usage(err)
		}
		waivers = w
	}
	for _, p := range cfg.PolicyPaths {
		if _, err := os.Stat(p); err != nil {
			return nil, Usagef("read --policy %s: %v", p, err)
		}
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	eng, err := policies.Load(ctx, policies.Options{
		Policies:     cfg.PolicyPaths,
		BundleKey:    cfg.BundleKey,
		DataFiles:    cfg.DataFiles,
		Evaluator:    cfg.Evaluator,
		Waivers:      waivers,
		Now:          cfg.now(),
		InputSchema:  facts.SchemaJSON,
		Logger:       log,
		DeviceBudget: cfg.EvalTimeout,
		MemoryBudget: cfg.EvalMemory,
		// A rule that fails at evaluation time turns into "review" for that
		// device; say so, since it usually means a broken custom rule.
		OnRuleError: func(e policies.RuleError) {
			log.Warn("rule failed during evaluation", "rule", e.RuleID, "address", e.Address, "location", e.Location, "error", e.Err)
		},
	})
	if err != nil {
		return nil, Usage(err)
	}
	log.Debug("policies loaded", "rules", len(eng.Rules()), "evaluator", eng.Evaluator())
	return eng, nil
}

func (c Config) now() func() time.Time {
	if c.Now != nil {
		return c.Now
	}
	return time.Now
}

// checkOutDir fails early, before any probe, when --out cannot be written.
func checkOutDir(dir string) error {
	if err := CheckOutDir(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "facts"), 0o755); err != nil {
		return Usagef("create output directory: %v", err)
	}
	probe, err := os.CreateTemp(dir, ".mfpscan-write-check-*")
	if err != nil {
		return Usagef("output directory %s is not writable: %v", dir, err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// evaluateAndReport runs the policies over docs and writes every report.
// It is shared by scan, eval and demo so the three produce the same files.
// When ctx ends during the evaluation, the results decided so far are
// written, marked incomplete, and the error returned with the run wraps
// ErrInterrupted.
func evaluateAndReport(ctx context.Context, cfg Config, prep *prepared, scan facts.Scan, docs []*facts.Device) (*reports.Run, error) {
	eng := prep.policies
	slices.SortFunc(docs, func(a, b *facts.Device) int { return facts.CompareAddress(a.Address, b.Address) })
	restoreGC := policies.RelaxGC()
	cfg.Log.Info("policy evaluation started", "devices", len(docs), "evaluator", eng.Evaluator())
	results, err := eng.EvaluateAll(ctx, docs, 0)
	restoreGC()
	var stopped error
	switch {
	case errors.Is(err, policies.ErrIncomplete):
		stopped = fmt.Errorf("%w: policy evaluation stopped early: %v; what was decided is written to %s, marked incomplete", ErrInterrupted, err, cfg.OutDir)
		scan.Incomplete = true
		ctx = context.WithoutCancel(ctx)
	case err != nil:
		return nil, fmt.Errorf("evaluate policies: %w", err)
	}
	run := &reports.Run{
		Scan:           scan,
		Devices:        docs,
		Rules:          eng.Rules(),
		Results:        results,
		ExpiredWaivers: eng.ExpiredWaivers(),
		Site:           cfg.Site,
	}
	if n := eng.Stats().CompiledFallbacks; n > 0 {
		run.CompiledFallbacks = n
		cfg.Log.Info("compiled evaluator fell back to topdown", "devices", n)
	}
	failed := countAtOrAbove(results, cfg.FailOn)
	if failed > 0 {
		run.ExitCode = 1
	}
	// An interrupted run exits with ExitInterrupted; the SARIF invocation
	// must say the same (executionSuccessful false), not "success".
	if scan.Incomplete {
		run.ExitCode = ExitInterrupted
	}
	prep.history.record(ctx, cfg, run)
	written, err := reports.WriteWith(ctx, cfg.OutDir, run, prep.writers)
	if err != nil {
		return nil, fmt.Errorf("write reports: %w", err)
	}
	for _, p := range written {
		cfg.Log.Debug("wrote report", "path", p)
	}
	prep.history.saveBaseline(ctx, cfg)
	return run, stopped
}

// writersFor builds the writers of cfg.Formats, with the SARIF options.
func writersFor(ctx context.Context, cfg Config) ([]reports.Writer, error) {
	var sarifOpts reports.SARIFOptions
	sarifOpts.OmitSuppressed = cfg.OmitSuppressed
	if cfg.BaselineFile == BaselineFromHistory {
		b, err := historyBaseline(ctx, cfg)
		if err != nil {
			return nil, err
		}
		sarifOpts.Baseline = b
	} else if cfg.BaselineFile != "" {
		b, err := ReadBaseline(cfg.BaselineFile)
		if err != nil {
			return nil, err
		}
		sarifOpts.Baseline = b
	}
	ws := make([]reports.Writer, 0, len(cfg.Formats))
	for _, name := range cfg.Formats {
		if name == "sarif" {
			ws = append(ws, &reports.SARIFWriter{Options: sarifOpts})
			continue
		}
		w, err := reports.Get(name)
		if err != nil {
			return nil, Usage(err)
		}
		ws = append(ws, w)
	}
	return ws, nil
}

// ReadBaseline reads and checks a --baseline SARIF log (regular file,
// capped, a SARIF 2.1.0 log), so a broken one stops the run before the
// first probe rather than after the sweep.
func ReadBaseline(path string) ([]byte, error) {
	b, err := inputfile.Read(path, reports.MaxBaselineFile)
	if err != nil {
		return nil, Usagef("read --baseline: %v", err)
	}
	if err := reports.CheckBaseline(b); err != nil {
		return nil, Usagef("--baseline %s: %v", path, err)
	}
	return b, nil
}

func countAtOrAbove(results []policies.Result, threshold string) int {
	if threshold == "" {
		return 0
	}
	min := policies.SeverityRank(threshold)
	n := 0
	for _, r := range results {
		if r.Status == policies.StatusFail && policies.SeverityRank(r.Severity) >= min {
			n++
		}
	}
	return n
}
