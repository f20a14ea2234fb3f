package reports

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
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
	// maxFindingsFile bounds a findings.json read whole (report diff);
	// report --from and merge read it as a stream (maxFindingsStream).
	maxFindingsFile = 256 << 20
	// maxFactsFileSize bounds one facts document, the cap EncodeFacts
	// applies on write.
	maxFactsFileSize = facts.MaxFileBytes
)

// RerenderOptions carry what findings.json does not record.
type RerenderOptions struct {
	// Site names the sweep in SARIF and HTML.
	Site string
	// ExitCode is recorded in the SARIF invocation.
	ExitCode int
	// SARIF tunes the SARIF writer (suppressed results, baseline).
	SARIF SARIFOptions
	// Progress, when set, is told after each device written how many of
	// how many are.
	Progress func(done, total int)
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
	var after func(*DeviceResult) error
	if opts.Progress != nil {
		done, total := 0, src.Len()
		after = func(*DeviceResult) error {
			done++
			opts.Progress(done, total)
			return nil
		}
	}
	if _, _, err := WriteStream(ctx, outDir, head, ws, src.Devices(ctx), after); err != nil {
		return fmt.Errorf("rerender: %w", err)
	}
	return nil
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
