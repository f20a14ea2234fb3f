package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/collectors/attest"
	"github.com/mfpscan/mfpscan/collectors/registry"
	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/reports"
	"github.com/mfpscan/mfpscan/scanner"
)

// Version is the tool version recorded in facts and reports; the CLI sets it.
var Version = "0.1.0-dev"

// collectWorkers bounds how many hosts are inspected at once. Collection is
// I/O-bound and each host already limits its own concurrency.
const collectWorkers = 32

// Scan sweeps the targets, collects facts, evaluates policies and writes the
// reports. On interruption it writes what was collected and returns an error
// wrapping ErrInterrupted.
func Scan(ctx context.Context, cfg Config) error {
	// The run's own inputs first: a refused target list creates no
	// output directory.
	targets, err := runTargets(ctx, cfg)
	if err != nil {
		return err
	}
	att, err := loadAttestations(cfg.Attestations)
	if err != nil {
		return err
	}
	prep, err := prepare(ctx, cfg, "scan")
	if err != nil {
		return err
	}
	defer prep.release()
	cp, err := startCheckpoint(cfg, cfg.now()())
	if err != nil {
		return err
	}
	defer cp.j.close()
	// A resumed sweep leaves the finished devices out; the shard split was
	// made before, on the whole set, so it does not move.
	targets = targets.Without(cp.skip)
	scan := newScanMeta(cfg)
	scan.StartedAt = cp.startedAt.UTC()
	for _, pr := range sweepConfig(cfg, nil).UDPProbes {
		scan.UDPProbes = append(scan.UDPProbes, facts.UDPProbe{Port: pr.Port, Service: pr.Service})
	}
	prep.history.begin(ctx, cfg, scan)
	if len(cp.skip) > 0 {
		cfg.Log.Info("resuming scan", "finished", len(cp.skip), "addresses left", targets.Count())
	}
	// A stream cannot wait for address order: it writes each device as it
	// completes. A directory's reports are in address order, fed from the
	// journal after the sweep.
	sweepCtx, stopSweep := context.WithCancelCause(ctx)
	defer stopSweep(nil)
	var out scanOutput
	if cfg.OutDir == StdoutOut {
		if out, err = startLive(ctx, cfg, prep, scan, stopSweep); err != nil {
			return err
		}
	} else {
		out = newJournalOutput(cfg, prep, cp.j, scan)
	}
	_, sweepErr := sweepAndCollect(sweepCtx, cfg, targets, att, out.collected)
	scan.FinishedAt = cfg.now()()
	// A signal may arrive after discovery, while hosts are still being
	// collected: the sweep then returns nil, but the run is just as cut
	// short, so the context decides, not the sweep's error.
	// (A stream that could not be written stops the sweep too; finish
	// returns that failure.)
	interrupted := ctx.Err() != nil || (sweepErr != nil && errors.Is(sweepErr, context.Canceled))
	if sweepErr != nil && !interrupted {
		out.abort()
		return fmt.Errorf("sweep: %w", sweepErr)
	}
	scan.Incomplete = interrupted
	// Reports are written even after Ctrl-C: a fresh context, so the
	// interrupted sweep's cancellation does not discard what was collected.
	run, err := out.finish(context.WithoutCancel(ctx), scan)
	if err != nil {
		return err
	}
	if cfg.Observe != nil {
		cfg.Observe(run, targets.Count())
	}
	printSummary(cfg, run)
	if interrupted {
		return interruptedError(cfg, run.Totals.Summary.Devices)
	}
	if err := cp.j.finish(scan.FinishedAt, reportPaths(cfg.OutDir, prep)); err != nil {
		cfg.Log.Warn("scan journal not marked complete", "error", err)
	}
	return failOnError(cfg, run)
}

// interruptedError says what an interrupted scan wrote, and how to go on.
func interruptedError(cfg Config, devices int) error {
	if cfg.OutDir == StdoutOut {
		// A stream keeps no journal: nothing to resume.
		return fmt.Errorf("%w: sweep stopped early; %d device(s) written to standard output, marked incomplete", ErrInterrupted, devices)
	}
	return fmt.Errorf("%w: sweep stopped early; %d device(s) written to %s, marked incomplete; continue it with --resume %s", ErrInterrupted, devices, cfg.OutDir, cfg.OutDir)
}

func newScanMeta(cfg Config) facts.Scan {
	host, _ := os.Hostname()
	return facts.Scan{
		Tool:       "mfpscan",
		Version:    Version,
		StartedAt:  cfg.now()().UTC(),
		Targets:    cfg.Targets,
		Excludes:   cfg.Excludes,
		Engine:     cfg.Engine,
		Ports:      cfg.Ports,
		PortOffset: cfg.PortOffset,
		Vantage:    &facts.Vantage{Hostname: host},
		Shard:      shardMeta(cfg),
	}
}

// reportPaths are the report files of the run's formats.
func reportPaths(dir string, prep *prepared) []string {
	out := make([]string, 0, len(prep.writers))
	for _, w := range prep.writers {
		out = append(out, filepath.Join(dir, w.Filename()))
	}
	return out
}

// sweepAndCollect runs discovery and hands each live host to a pool of
// collector workers as soon as it is found, so collection overlaps the sweep.
// done, when set, takes each device once collected (from the collector
// workers, concurrently) and nothing is kept; without it, the devices are
// returned.
func sweepAndCollect(ctx context.Context, cfg Config, targets *scanner.TargetSet, att *attest.Set, done func(*facts.Device)) ([]*facts.Device, error) {
	engine, err := newEngine(cfg)
	if err != nil {
		return nil, err
	}
	collectOpts := cfg.Collect
	if collectOpts.Timeout == 0 {
		collectOpts.Timeout = cfg.Timeout
	}
	if collectOpts.Now == nil {
		collectOpts.Now = cfg.now()
	}
	cs, as := registry.Default(collectOpts)
	ce := collectors.NewEngine(collectOpts, cs, as, cfg.Log)
	ce.Dialer = collectors.NewDialer(collectOpts.Timeout, cfg.PerHost)
	ce.HostTimeout = cfg.HostDeadline

	progress := newProgress(cfg, targets.Count())
	hosts := make(chan scanner.HostResult, collectWorkers)
	var (
		mu        sync.Mutex
		docs      []*facts.Device
		collected int
		wg        sync.WaitGroup
	)
	for range collectWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for h := range hosts {
				doc := collectHost(ctx, cfg, ce, h)
				att.Apply(doc)
				if done != nil {
					done(doc)
				}
				mu.Lock()
				if done == nil {
					docs = append(docs, doc)
				}
				collected++
				n := collected
				mu.Unlock()
				progress.collected(n)
			}
		}()
	}
	cfg.Log.Info("sweep started", "addresses", targets.Count(), "ports", len(cfg.Ports), "engine", engine.Name())
	var found atomic.Int64
	sweepErr := engine.Sweep(ctx, targets, sweepConfig(cfg, progress), func(h scanner.HostResult) {
		found.Add(1)
		hosts <- h
	})
	close(hosts)
	// Hosts found late in the sweep are still being inspected: say so
	// rather than sit silent.
	progress.sweepDone(int(found.Load()))
	wg.Wait()
	progress.finish()
	return docs, sweepErr
}

func collectHost(ctx context.Context, cfg Config, ce *collectors.Engine, h scanner.HostResult) *facts.Device {
	hostCtx, cancel := context.WithTimeout(ctx, cfg.HostDeadline)
	defer cancel()
	t := &collectors.Target{Addr: h.Addr, Ports: h.Ports, Hints: h.Hints, Roles: cfg.Roles}
	start := time.Now()
	doc := ce.Collect(hostCtx, t)
	// The host's port list is complete only when its sweep finished and
	// its silences prove something: a host cut by its deadline or an
	// interrupt has ports not reached, and one swept while the scanner was
	// starved of CPU may have timeouts that were answers; the rules must
	// treat its absent ports as unknown, not closed.
	switch {
	case h.Err != nil:
		st, reason := collectors.Classify(h.Err)
		doc.Collectors["discovery"] = facts.CollectorStatus{Status: st, Reason: "port list of this host incomplete: " + reason}
	case ctx.Err() != nil:
		doc.Collectors["discovery"] = facts.CollectorStatus{Status: facts.StatusTimeout, Reason: "sweep interrupted"}
	default:
		doc.Collectors["discovery"] = facts.CollectorStatus{Status: facts.StatusOK, DurationMS: h.Duration.Milliseconds()}
	}
	// The run was stopped while (or before) this host was inspected: its
	// collectors may have been cut short, so the document says so rather
	// than pass for a finished one.
	if ctx.Err() != nil {
		doc.Incomplete = true
	}
	cfg.Log.Debug("collected", "address", h.Addr, "ports", len(h.Ports), "elapsed", time.Since(start), "incomplete", doc.Incomplete)
	return doc
}

// sweepConfig probes the port table's default UDP services: SNMP with
// "public" and the operator's own communities (the SNMP collector later
// tries every well-known community on each live host, so a device reachable
// only with "private" is still assessed; fewer datagrams per address matter,
// since the sweep is bound by the probe rate), plus the WS-Discovery and SLP
// services the guide asks to disable. The UDP ports move with
// cfg.PortOffset, the lab's shift (0 on real networks).
func sweepConfig(cfg Config, p *progress) scanner.SweepConfig {
	udp := scanner.DefaultUDPProbes(cfg.Collect.Communities...)
	for i := range udp {
		udp[i].Port += cfg.PortOffset
	}
	return scanner.SweepConfig{
		TCPPorts:     cfg.Ports,
		UDPProbes:    udp,
		Rate:         cfg.Rate,
		Concurrency:  cfg.Concurrency,
		PerHost:      cfg.PerHost,
		Timeout:      cfg.Timeout,
		MinTimeout:   cfg.MinTimeout,
		Retries:      1,
		HostDeadline: cfg.HostDeadline,
		Progress:     p.update,
	}
}

func newEngine(cfg Config) (scanner.Engine, error) {
	switch cfg.Engine {
	case "nmap":
		if err := scanner.CheckNmapArgs(cfg.NmapArgs); err != nil {
			return nil, Usage(err)
		}
		return &scanner.Nmap{Args: cfg.NmapArgs}, nil
	default:
		return scanner.NewNative(), nil
	}
}

func failOnError(cfg Config, run *reports.Run) error {
	if n := run.Totals.FailedAtOrAbove(cfg.FailOn); n > 0 {
		return &FindingsError{Threshold: cfg.FailOn, Count: n}
	}
	return nil
}

func loadAttestations(path string) (*attest.Set, error) {
	if path == "" {
		return nil, nil
	}
	set, err := attest.Load(path)
	if err != nil {
		return nil, Usage(err)
	}
	return set, nil
}
