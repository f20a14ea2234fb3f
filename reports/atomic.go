package reports

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/mfpscan/mfpscan/internal/tempfile"
)

// writers lists every report format. Adding a format is one line here.
func writers() []Writer {
	return []Writer{
		&SARIFWriter{},
		HTMLWriter{},
		JSONWriter{},
		CSVWriter{},
		MarkdownWriter{},
		JSONLWriter{},
	}
}

// Formats returns the valid --format names.
func Formats() []string {
	ws := writers()
	names := make([]string, 0, len(ws))
	for _, w := range ws {
		names = append(names, w.Name())
	}
	return names
}

// Get returns the writer of a format name with default options.
func Get(name string) (Writer, error) {
	for _, w := range writers() {
		if w.Name() == name {
			return w, nil
		}
	}
	return nil, fmt.Errorf("unknown report format %q (valid: %s)", name, strings.Join(Formats(), ", "))
}

// WriteFileAtomic writes path through a temporary file in the same
// directory, synced and renamed into place, so a reader (or a crash) never
// sees half a report. The temporary file is removed on any error.
func WriteFileAtomic(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	f, err := tempfile.Create(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temp file for %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			tempfile.Remove(tmp)
		}
	}()
	if err = write(f); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("chmod %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	if err = tempfile.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename %s: %w", path, err)
	}
	return nil
}

// WriteAll writes the facts files and every named format into dir and
// returns the written paths. Unknown names are rejected before anything is
// written.
func WriteAll(ctx context.Context, dir string, run *Run, formats []string) ([]string, error) {
	ws := make([]Writer, 0, len(formats))
	for _, name := range formats {
		w, err := Get(strings.TrimSpace(name))
		if err != nil {
			return nil, fmt.Errorf("write reports: %w", err)
		}
		ws = append(ws, w)
	}
	return WriteWith(ctx, dir, run, ws)
}

// WriteWith is WriteAll for writers configured by the caller (e.g. a
// SARIFWriter with options). It fills run.FactsFiles and run.FactsText with
// what it wrote, so SARIF points at the facts files on disk. A document
// whose text is already in run.FactsText (made by EncodeFacts) is written
// as is instead of being encoded again.
func WriteWith(ctx context.Context, dir string, run *Run, ws []Writer) ([]string, error) {
	return writeRun(ctx, dir, run, ws)
}
