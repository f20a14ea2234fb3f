package reports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/inputfile"
	"github.com/mfpscan/mfpscan/internal/outlock"
	"github.com/mfpscan/mfpscan/internal/usage"
)

// badInput is an error caused by the files a user pointed at (missing, too
// large, not a findings or facts document), as opposed to a failure while
// writing: a *usage.Error, which the CLI maps to its usage exit code.
func badInput(format string, args ...any) error {
	return usage.Errorf(format, args...)
}

const (
	// maxFindingsFile bounds findings.json; a /16 with every rule is far
	// below this.
	maxFindingsFile = 256 << 20
	// maxFactsFileSize bounds one facts document, the cap EncodeFacts
	// applies on write.
	maxFactsFileSize = facts.MaxFileBytes
	// maxFactsFiles bounds the facts directory walk (a /16 sweep).
	maxFactsFiles = 1 << 16
)

// RerenderOptions carry what findings.json does not record.
type RerenderOptions struct {
	// Site names the sweep in SARIF and HTML.
	Site string
	// ExitCode is recorded in the SARIF invocation.
	ExitCode int
	// SARIF tunes the SARIF writer (suppressed results, baseline).
	SARIF SARIFOptions
}

// Rerender reads a finished run back from fromDir (findings.json and
// facts/*.json) and writes the named formats into outDir, without touching
// the network or re-evaluating policies. outDir may equal fromDir. The run
// is read device by device (OpenRun), so memory does not grow with it.
func Rerender(ctx context.Context, fromDir, outDir string, formats []string, opts RerenderOptions) error {
	ws := make([]Writer, 0, len(formats))
	for _, name := range formats {
		w, err := Get(strings.TrimSpace(name))
		if err != nil {
			return badInput("rerender: %w", err)
		}
		if _, ok := w.(*SARIFWriter); ok {
			w = &SARIFWriter{Options: opts.SARIF}
		}
		ws = append(ws, w)
	}
	// Rendering into the run's own directory locks it before reading, so
	// a run still writing it is not read half-done; another directory is
	// locked once the run is read, so a refused rerender creates nothing.
	var lock *outlock.Lock
	defer func() { lock.Release() }()
	sameDir := filepath.Clean(outDir) == filepath.Clean(fromDir)
	if sameDir {
		var err error
		if lock, err = outlock.Acquire(outDir, "report", time.Now()); err != nil {
			return err
		}
	}
	src, err := OpenRun(ctx, fromDir)
	if err != nil {
		return err
	}
	defer src.Close()
	if !sameDir {
		if err := os.MkdirAll(outDir, 0o755); err != nil {
			return badInput("rerender: create output directory: %v", err)
		}
		if lock, err = outlock.Acquire(outDir, "report", time.Now()); err != nil {
			return err
		}
	}
	head := src.Head()
	head.Site, head.ExitCode = opts.Site, opts.ExitCode
	if _, _, err := WriteStream(ctx, outDir, head, ws, src.Devices(ctx), nil); err != nil {
		return fmt.Errorf("rerender: %w", err)
	}
	return nil
}

// LoadRun rebuilds a Run from a report directory: findings.json gives the
// scan, rules, results and expired waivers; facts/*.json the devices.
func LoadRun(ctx context.Context, dir string) (*Run, error) {
	f, err := LoadFindings(dir)
	if err != nil {
		return nil, err
	}
	devs, err := loadFactsDir(ctx, filepath.Join(dir, "facts"))
	if err != nil {
		return nil, err
	}
	return &Run{
		Scan:           f.Scan,
		Devices:        devs,
		Rules:          f.Rules,
		Results:        f.Results,
		ExpiredWaivers: f.ExpiredWaivers,
	}, nil
}

// LoadFindings reads findings.json, given either the file or the report
// directory holding it.
func LoadFindings(path string) (*Findings, error) {
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		path = filepath.Join(path, JSONWriter{}.Filename())
	}
	raw, err := readCapped(path, maxFindingsFile)
	if err != nil {
		return nil, err
	}
	var f Findings
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, badInput("read findings %s: %w", path, err)
	}
	if f.SchemaVersion != FindingsSchemaVersion {
		return nil, badInput("read findings %s: schema_version %q, want %q (is this an mfpscan findings.json?)",
			path, f.SchemaVersion, FindingsSchemaVersion)
	}
	if err := validateFindings(&f); err != nil {
		return nil, badInput("read findings %s: %w", path, err)
	}
	return &f, nil
}

// loadFactsDir reads every *.json under dir; a missing directory means a
// run that found no devices.
func loadFactsDir(ctx context.Context, dir string) ([]*facts.Device, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, badInput("read facts directory: %w", err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".json") {
			names = append(names, e.Name())
		}
	}
	if len(names) > maxFactsFiles {
		return nil, badInput("read facts directory %s: more than %d files", dir, maxFactsFiles)
	}
	sort.Strings(names)
	v, err := facts.NewValidator()
	if err != nil {
		return nil, fmt.Errorf("read facts: %w", err)
	}
	seen := map[string]string{}
	devs := make([]*facts.Device, 0, len(names))
	for _, n := range names {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("read facts: %w", err)
		}
		path := filepath.Join(dir, n)
		raw, err := readCapped(path, maxFactsFileSize)
		if err != nil {
			return nil, err
		}
		if err := v.Validate(raw); err != nil {
			return nil, badInput("read facts %s: %w", path, err)
		}
		var d facts.Device
		if err := json.Unmarshal(raw, &d); err != nil {
			return nil, badInput("read facts %s: %w", path, err)
		}
		if prev, dup := seen[d.Address]; dup {
			return nil, badInput("read facts %s: device %s already read from %s", path, d.Address, prev)
		}
		seen[d.Address] = n
		devs = append(devs, &d)
	}
	return devs, nil
}

// readCapped reads a whole file of at most max bytes.
// Only regular files are read: a FIFO planted in a facts directory would
// otherwise hang report --from.
func readCapped(path string, max int64) ([]byte, error) {
	raw, err := inputfile.Read(path, max)
	if err != nil {
		return nil, badInput("read %w", err)
	}
	return raw, nil
}
