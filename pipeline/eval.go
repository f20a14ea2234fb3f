package pipeline

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/parallel"
	"github.com/mfpscan/mfpscan/policies"
	"github.com/mfpscan/mfpscan/reports"
)

// evalBatch is how many facts files are read, evaluated and written
// together: enough to keep every core busy, few enough that memory does not
// grow with the fleet. Two batches are live at a time (one evaluated, one
// loading), and the collector marks them on every cycle under the stream's
// memory limit: at 256, 2,000 demo devices took 15 % more CPU and 130 MiB
// more peak RSS than at 64 (32 was no better than 64).
const evalBatch = 64

// Eval evaluates saved facts files (or directories of them) and writes the
// same reports scan would, without touching the network. Files stream
// through in batches: reading and validation of the next batch overlap the
// evaluation and writing of this one, and no batch is kept once written.
func Eval(ctx context.Context, cfg Config, paths []string) error {
	// The run's own inputs first: a missing facts file creates no output
	// directory.
	att, err := loadAttestations(cfg.Attestations)
	if err != nil {
		return err
	}
	files, err := factsFiles(paths)
	if err != nil {
		return err
	}
	prep, err := prepare(ctx, cfg, "eval")
	if err != nil {
		return err
	}
	defer prep.release()
	rep, err := newReporter(cfg, prep)
	if err != nil {
		return err
	}
	restoreGC := relaxGCBounded()
	defer restoreGC()
	cfg.Log.Info("policy evaluation started", "devices", len(files), "evaluator", prep.policies.Evaluator())
	scan := facts.Scan{Tool: "mfpscan", Version: Version, StartedAt: cfg.now()().UTC(), Engine: "eval", Targets: paths}
	first := true
	// The loader stops when the loop does, not at the interrupt itself: the
	// batch in hand is still evaluated (its undecided devices give review,
	// as the interrupted evaluation reports them) and written.
	loadCtx, stopLoading := context.WithCancel(context.WithoutCancel(ctx))
	defer stopLoading()
	seen := make(map[string]string, min(len(files), 1<<16))
	bar, evaluated := deviceBar(cfg, "evaluating"), 0
	for b := range loadBatches(loadCtx, files) {
		if b.err != nil {
			rep.abort()
			return b.err
		}
		for i, d := range b.docs {
			if prev, dup := seen[d.Address]; dup {
				rep.abort()
				return Usagef("%s: device %s already read from %s", b.files[i], d.Address, prev)
			}
			seen[d.Address] = b.files[i]
		}
		if first && b.docs[0].Scan != nil {
			scan = *b.docs[0].Scan
		}
		first = false
		texts := b.texts
		if att != nil {
			// Attestations change the documents: their text is encoded
			// again when written.
			texts = nil
			for _, d := range b.docs {
				att.Apply(d)
			}
		}
		if err := rep.add(ctx, scan, b.docs, texts); err != nil {
			rep.abort()
			return err
		}
		if evaluated += len(b.docs); bar != nil {
			bar(evaluated, len(files))
		}
		if rep.stopped != nil {
			break
		}
	}
	stopLoading()
	if ctx.Err() != nil && rep.stopped == nil {
		// Interrupted while files were still being read: what was
		// evaluated is written, marked incomplete.
		rep.stopped = fmt.Errorf("%w: evaluation stopped early: %v; what was decided is written to %s, marked incomplete", ErrInterrupted, context.Cause(ctx), cfg.OutDir)
	}
	run, err := rep.finish(ctx, scan)
	if run != nil {
		// An interrupted evaluation still has a run: metrics and the summary
		// describe what was decided.
		if cfg.Observe != nil {
			cfg.Observe(run, 0)
		}
		printSummary(cfg, run)
	}
	if err != nil {
		return err
	}
	return failOnError(cfg, run)
}

// factsBatchLoad is one batch of facts files read and checked.
type factsBatchLoad struct {
	files []string
	docs  []*facts.Device
	texts [][]byte
	err   error
}

// loadBatches reads files in batches of evalBatch, each batch in parallel,
// one batch ahead of the consumer. It stops at the first error (sent as the
// last batch) or when ctx ends; an interrupt is the consumer's to report.
func loadBatches(ctx context.Context, files []string) <-chan factsBatchLoad {
	out := make(chan factsBatchLoad, 1)
	go func() {
		defer close(out)
		for start := 0; start < len(files); start += evalBatch {
			if ctx.Err() != nil {
				return
			}
			part := files[start:min(start+evalBatch, len(files))]
			docs, texts, err := readFactsFiles(part)
			select {
			case out <- factsBatchLoad{files: part, docs: docs, texts: texts, err: err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return out
}

// LoadFacts reads facts documents from files and directories (every *.json
// below a directory). Each document is checked against the schema; an
// invalid one is a usage error naming the file.
func LoadFacts(paths []string) ([]*facts.Device, error) {
	files, err := factsFiles(paths)
	if err != nil {
		return nil, err
	}
	docs, _, err := readFactsFiles(files)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]string, len(docs))
	for i, d := range docs {
		if prev, dup := seen[d.Address]; dup {
			return nil, Usagef("%s: device %s already read from %s", files[i], d.Address, prev)
		}
		seen[d.Address] = files[i]
	}
	return docs, nil
}

// factsFiles lists the facts files named by paths (every *.json below a
// directory), in the order devices are reported: by the address a facts
// file's name encodes (reports.FactsFileName), so a directory mfpscan wrote
// streams in address order, then by path.
func factsFiles(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, Usagef("read facts: %v", err)
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.EqualFold(filepath.Ext(path), ".json") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, Usagef("read facts directory %s: %v", p, err)
		}
	}
	if len(files) == 0 {
		return nil, Usagef("no facts files (*.json) found in %s", strings.Join(paths, ", "))
	}
	keys := make(map[string]string, len(files))
	for _, f := range files {
		keys[f] = reports.AddressOfFactsFile(filepath.Base(f))
	}
	slices.SortFunc(files, func(a, b string) int {
		if c := facts.CompareAddress(keys[a], keys[b]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return files, nil
}

// readFactsFiles reads files in parallel (reading, schema validation and
// decoding are most of an eval's loading time) on GOMAXPROCS workers and
// returns the documents, and their facts-file text, in the order of files.
// On errors it returns the one of the first failing file in that order,
// as a sequential read would: workers take files in increasing order and
// stop taking new ones after a failure, so every earlier file was read.
func readFactsFiles(files []string) ([]*facts.Device, [][]byte, error) {
	docs := make([]*facts.Device, len(files))
	texts := make([][]byte, len(files))
	err := parallel.Each(len(files), func(i int) error {
		var err error
		docs[i], texts[i], err = reports.ReadFactsFile(files[i])
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return docs, texts, nil
}

// PolicyList prints the catalogue, built-in and custom rules together.
func PolicyList(ctx context.Context, w io.Writer, paths, data []string, format string) error {
	switch format {
	case "table", "json", "markdown":
	default:
		return Usagef("unknown --format %q (valid: table, json, markdown)", format)
	}
	eng, err := loadPolicies(ctx, Config{PolicyPaths: paths, DataFiles: data})
	if err != nil {
		return err
	}
	return policies.WriteCatalog(w, eng.Rules(), format)
}

// PolicyTest runs the *_test.rego files under paths.
func PolicyTest(ctx context.Context, w io.Writer, paths []string) error {
	return PolicyTestWith(ctx, w, paths, policies.TestOptions{})
}

// PolicyTestWith is PolicyTest with a report format (text, json, junit, tap)
// and per-rule coverage. Only the text report ends in the "N passed, M
// failed" line; the others stay machine-readable.
func PolicyTestWith(ctx context.Context, w io.Writer, paths []string, opts policies.TestOptions) error {
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			return Usagef("read %s: %v", p, err)
		}
	}
	passed, failed, err := policies.RunRegoTestsWith(ctx, paths, w, opts)
	if err != nil {
		return Usage(err)
	}
	if opts.Format == "" || opts.Format == "text" {
		fmt.Fprintf(w, "%d passed, %d failed\n", passed, failed)
	}
	if failed > 0 {
		return fmt.Errorf("%w: %d Rego test(s) failed", ErrChecksFailed, failed)
	}
	return nil
}

// printSummary writes the terminal summary and where the reports are.
func printSummary(cfg Config, run *reports.Run) {
	w := cfg.textOut()
	if w == nil {
		return
	}
	_ = reports.WriteSummary(w, run, cfg.Color && cfg.OutDir != StdoutOut)
	for _, f := range cfg.Formats {
		if f == "html" {
			fmt.Fprintf(w, "\nHTML report: %s\n", filepath.Join(cfg.OutDir, "report.html"))
		}
	}
}

// textOut is where text for people goes: standard output, unless it
// carries the report stream (--out -); then standard error, with the
// progress (nowhere with --quiet).
func (c Config) textOut() io.Writer {
	if c.OutDir == StdoutOut {
		return c.Progress
	}
	return c.Stdout
}
