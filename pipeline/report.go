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
	"github.com/mfpscan/mfpscan/internal/outlock"
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
	// baseline is the --baseline log the SARIF writer compares with.
	baseline *reports.Baseline
	// lock keeps other runs out of the output directory until release.
	lock *outlock.Lock
}

// release lets other runs into the output directory and closes the
// baseline; the run's writing is over (or abandoned) when it is called.
func (p *prepared) release() {
	p.baseline.Close()
	p.lock.Release()
}

// prepare validates every input of the run (policies, data, waivers,
// baseline, output directory) so a mistake stops the run before any probe.
func prepare(ctx context.Context, cfg Config, what string) (*prepared, error) {
	eng, err := loadPolicies(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := CheckOutput(cfg.OutDir, cfg.Formats); err != nil {
		return nil, err
	}
	ws, baseline, err := writersFor(ctx, cfg)
	if err != nil {
		return nil, err
	}
	var lock *outlock.Lock
	if cfg.OutDir != StdoutOut {
		if err := checkOutDir(cfg.OutDir); err != nil {
			baseline.Close()
			return nil, err
		}
		// Taken before the scan journal is read: a run still writing
		// the directory is not an interrupted one to resume or --force.
		if lock, err = outlock.Acquire(cfg.OutDir, what, cfg.now()()); err != nil {
			baseline.Close()
			return nil, err
		}
	}
	return &prepared{policies: eng, writers: ws, baseline: baseline, history: openHistory(ctx, cfg, eng.Rules()), lock: lock}, nil
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

// reporter evaluates devices batch by batch and streams each one, with its
// results, to the report writers and the history store as it is decided:
// nothing holds every device's facts or results.
type reporter struct {
	cfg      Config
	prep     *prepared
	st       *reports.Streamer
	keyPoint map[string]int
	begun    bool
	// stopped is the interruption met during evaluation, if any.
	stopped error
	// writing, when not nil, delivers the result of the batch being
	// written in the background: the next batch is evaluated meanwhile.
	writing chan error
}

func newReporter(cfg Config, prep *prepared) (*reporter, error) {
	eng := prep.policies
	head := &reports.Run{Rules: eng.Rules(), ExpiredWaivers: eng.ExpiredWaivers(), Site: cfg.Site}
	dir := cfg.OutDir
	if dir == StdoutOut {
		dir = ""
	}
	st, err := reports.NewStreamer(dir, prep.writers, head, cfg.Stdout)
	if err != nil {
		return nil, fmt.Errorf("write reports: %w", err)
	}
	keyPoint := make(map[string]int, len(head.Rules))
	for _, r := range head.Rules {
		keyPoint[r.ID] = r.GuidePoint
	}
	return &reporter{cfg: cfg, prep: prep, st: st, keyPoint: keyPoint}, nil
}

// add evaluates one batch of documents and writes them in address order.
// texts, when not nil, holds each document's facts-file text (made by
// reports.EncodeFacts), written as is. An interrupted evaluation still
// writes the batch (undecided devices give review) and is remembered for
// finish; later batches are not evaluated.
//
// The batch is written in the background while the caller reads and
// evaluates the next one: the writers are sequential, and on two cores
// evaluation alone left one of them idle. A write error is returned by the
// next add or by finish; the caller must not change docs or texts after.
func (r *reporter) add(ctx context.Context, scan facts.Scan, docs []*facts.Device, texts [][]byte) error {
	if r.stopped != nil || len(docs) == 0 {
		return nil
	}
	if !r.begun {
		r.prep.history.begin(ctx, r.cfg, scan)
		r.begun = true
	}
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return facts.CompareAddress(docs[a].Address, docs[b].Address) })
	sorted := make([]*facts.Device, len(docs))
	var encoded [][]byte // a facts-file text is the document's JSON: the evaluator reads it as is
	if texts != nil {
		encoded = make([][]byte, len(docs))
	}
	for i, j := range order {
		sorted[i] = docs[j]
		if texts != nil {
			encoded[i] = texts[j]
		}
	}
	results, err := r.prep.policies.EvaluateAllEncoded(ctx, sorted, encoded, 0)
	switch {
	case errors.Is(err, policies.ErrIncomplete):
		r.stopped = fmt.Errorf("%w: policy evaluation stopped early: %v; what was decided is written to %s, marked incomplete", ErrInterrupted, err, r.cfg.OutDir)
	case err != nil:
		return fmt.Errorf("evaluate policies: %w", err)
	}
	// Results come sorted by address, then rule, as the documents are.
	byAddr := make(map[string][]policies.Result, len(docs))
	for i := 0; i < len(results); {
		j := i + 1
		for j < len(results) && results[j].Address == results[i].Address {
			j++
		}
		byAddr[results[i].Address] = results[i:j:j]
		i = j
	}
	// Reports keep address order: this batch waits for the one before.
	if err := r.drain(); err != nil {
		return err
	}
	done := make(chan error, 1)
	r.writing = done
	hctx := context.WithoutCancel(ctx)
	go func() {
		done <- r.write(hctx, order, sorted, texts, byAddr)
	}()
	return nil
}

// write sends an evaluated batch to the history store and the writers.
func (r *reporter) write(ctx context.Context, order []int, sorted []*facts.Device, texts [][]byte, byAddr map[string][]policies.Result) error {
	for i, j := range order {
		d := sorted[i]
		var text []byte
		if texts != nil {
			text = texts[j]
		}
		res := byAddr[d.Address]
		r.prep.history.recordDevice(ctx, r.cfg, d, res, r.keyPoint)
		if err := r.st.Add(d, text, res); err != nil {
			return fmt.Errorf("write reports: %w", err)
		}
	}
	return nil
}

// drain waits for the batch being written, if any, and returns its error.
func (r *reporter) drain() error {
	if r.writing == nil {
		return nil
	}
	err := <-r.writing
	r.writing = nil
	return err
}

// finish completes the reports and the history record. The run returned
// holds the counts (Totals), not the devices.
func (r *reporter) finish(ctx context.Context, scan facts.Scan) (*reports.Run, error) {
	ctx = context.WithoutCancel(ctx)
	if err := r.drain(); err != nil {
		r.abort()
		return nil, err
	}
	eng := r.prep.policies
	if r.stopped != nil {
		scan.Incomplete = true
	}
	run := &reports.Run{
		Scan:           scan,
		Rules:          eng.Rules(),
		ExpiredWaivers: eng.ExpiredWaivers(),
		Site:           r.cfg.Site,
		Totals:         r.st.Totals(),
	}
	if n := eng.Stats().CompiledFallbacks; n > 0 {
		run.CompiledFallbacks = n
		r.cfg.Log.Info("compiled evaluator fell back to topdown", "devices", n)
	}
	if run.Totals.FailedAtOrAbove(r.cfg.FailOn) > 0 {
		run.ExitCode = 1
	}
	// An interrupted run exits with ExitInterrupted; the SARIF invocation
	// must say the same (executionSuccessful false), not "success".
	if scan.Incomplete {
		run.ExitCode = ExitInterrupted
	}
	if !r.begun {
		r.prep.history.begin(ctx, r.cfg, scan)
	}
	r.prep.history.finish(ctx, r.cfg, run)
	written, err := r.st.Finish(ctx, run)
	if err != nil {
		r.prep.history.close()
		return nil, fmt.Errorf("write reports: %w", err)
	}
	for _, p := range written {
		r.cfg.Log.Debug("wrote report", "path", p)
	}
	r.prep.history.saveBaseline(ctx, r.cfg)
	return run, r.stopped
}

// abort drops what the run wrote to temporary files; the history run stays
// unfinished, as after a crash.
func (r *reporter) abort() {
	_ = r.drain() // the run is dropped: its write error adds nothing
	r.st.Abort()
	r.prep.history.close()
}

// writersFor builds the writers of cfg.Formats, with the SARIF options.
// The baseline it opened, if any, is returned to be closed after the run.
func writersFor(ctx context.Context, cfg Config) ([]reports.Writer, *reports.Baseline, error) {
	var sarifOpts reports.SARIFOptions
	sarifOpts.OmitSuppressed = cfg.OmitSuppressed
	if cfg.BaselineFile == BaselineFromHistory {
		b, err := historyBaseline(ctx, cfg)
		if err != nil {
			return nil, nil, err
		}
		sarifOpts.Baseline = b
	} else if cfg.BaselineFile != "" {
		b, err := ReadBaseline(cfg.BaselineFile)
		if err != nil {
			return nil, nil, err
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
			sarifOpts.Baseline.Close()
			return nil, nil, Usage(err)
		}
		ws = append(ws, w)
	}
	return ws, sarifOpts.Baseline, nil
}

// ReadBaseline opens, checks and indexes a --baseline SARIF log (a regular
// file, a SARIF 2.1.0 log whose results parse), so a broken one stops the
// run before the first probe rather than after the sweep. The caller
// closes it.
func ReadBaseline(path string) (*reports.Baseline, error) {
	b, err := reports.OpenBaseline(path)
	if err != nil {
		return nil, Usagef("--baseline %s: %v", path, err)
	}
	return b, nil
}
