package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/inputfile"
	"github.com/mfpscan/mfpscan/policies"
	"github.com/mfpscan/mfpscan/reports"
)

// Eval evaluates saved facts files (or directories of them) and writes the
// same reports scan would, without touching the network.
func Eval(ctx context.Context, cfg Config, paths []string) error {
	prep, err := prepare(ctx, cfg)
	if err != nil {
		return err
	}
	att, err := loadAttestations(cfg.Attestations)
	if err != nil {
		return err
	}
	docs, err := LoadFacts(paths)
	if err != nil {
		return err
	}
	for _, d := range docs {
		att.Apply(d)
	}
	scan := facts.Scan{Tool: "mfpscan", Version: Version, StartedAt: cfg.now()().UTC(), Engine: "eval", Targets: paths}
	if len(docs) > 0 && docs[0].Scan != nil {
		scan = *docs[0].Scan
	}
	run, err := evaluateAndReport(ctx, cfg, prep, scan, docs)
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

// LoadFacts reads facts documents from files and directories (every *.json
// below a directory). Each document is checked against the schema; an
// invalid one is a usage error naming the file.
func LoadFacts(paths []string) ([]*facts.Device, error) {
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
	slices.Sort(files)
	docs := make([]*facts.Device, 0, len(files))
	seen := map[string]string{}
	for _, f := range files {
		d, err := readFactsFile(f)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[d.Address]; dup {
			return nil, Usagef("%s: device %s already read from %s", f, d.Address, prev)
		}
		seen[d.Address] = f
		docs = append(docs, d)
	}
	return docs, nil
}

// readFactsFile reads one facts document: a regular file (a FIFO would
// hang the run) under facts.MaxFileBytes, valid against the schema, and
// small enough once re-encoded that the facts file eval writes for it reads
// back; a compact document can grow several-fold when indented.
func readFactsFile(path string) (*facts.Device, error) {
	raw, err := inputfile.Read(path, facts.MaxFileBytes)
	if err != nil {
		return nil, Usagef("read facts: %v", err)
	}
	if err := facts.Validate(raw); err != nil {
		return nil, Usagef("%s: %v", path, err)
	}
	var d facts.Device
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, Usagef("%s: %v", path, err)
	}
	if _, err := reports.EncodeFacts(&d); err != nil {
		return nil, Usagef("%s: rewritten, this document would not read back: %v", path, err)
	}
	return &d, nil
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
	if cfg.Stdout == nil {
		return
	}
	_ = reports.WriteSummary(cfg.Stdout, run, cfg.Color)
	for _, f := range cfg.Formats {
		if f == "html" {
			fmt.Fprintf(cfg.Stdout, "\nHTML report: %s\n", filepath.Join(cfg.OutDir, "report.html"))
		}
	}
}
