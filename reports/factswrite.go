package reports

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/tempfile"
)

// factsBatch is how many facts files share one flush to disk.
const factsBatch = 256

// writeFactsFiles writes every device's facts file, in batches, keeping the
// guarantee of WriteFileAtomic (a reader, or the disk after a crash, sees a
// whole file or none) at a fraction of its cost for large fleets:
//
//   - each file is written to a temporary name in the facts directory;
//   - once a batch is written, one flush (syncfs on Linux, one fsync per
//     file elsewhere) makes all its data durable; only then are the files
//     renamed into place, so no rename can reach the disk before the data
//     it names, which is what the per-file fsync bought;
//   - the directory is fsynced once at the end, making the renames durable.
//
// An interrupted run keeps what it collected: when ctx ends, the batch in
// progress is still flushed and renamed (its files are complete) before
// the error is returned, and every earlier batch is already in place. A
// crash before the final directory sync can lose renames of the last
// batches, never leave a partial file under a facts file's name.
func writeFactsFiles(ctx context.Context, dir string, run *Run) ([]string, error) {
	factsDir := filepath.Join(dir, "facts")
	var written []string
	devs := devicesOf(run)
	for start := 0; start < len(devs); start += factsBatch {
		batch := devs[start:min(start+factsBatch, len(devs))]
		paths, err := writeFactsBatch(ctx, dir, run, batch)
		written = append(written, paths...)
		if err != nil {
			_ = syncDir(factsDir)
			return written, err
		}
	}
	if err := syncDir(factsDir); err != nil {
		return written, fmt.Errorf("sync %s: %w", factsDir, err)
	}
	return written, nil
}

type pendingFile struct {
	tmp, path, rel, address string
	text                    []byte
}

// writeFactsBatch writes one batch to temporary files, flushes them and
// renames them into place. Whatever was written completely before an error
// or the end of ctx is still put in place.
func writeFactsBatch(ctx context.Context, dir string, run *Run, batch []*facts.Device) ([]string, error) {
	var pending []pendingFile
	var files []*os.File
	var stop error
	for _, d := range batch {
		if err := ctx.Err(); err != nil {
			stop = fmt.Errorf("write facts: %w", err)
			break
		}
		text := run.FactsText[d.Address]
		if text == nil {
			var err error
			if text, err = EncodeFacts(d); err != nil {
				stop = err
				break
			}
		}
		rel := FactsFileName(d.Address)
		path := filepath.Join(dir, filepath.FromSlash(rel))
		f, err := writeFactsTemp(path, text)
		if err != nil {
			stop = err
			break
		}
		files = append(files, f)
		pending = append(pending, pendingFile{tmp: f.Name(), path: path, rel: rel, address: d.Address, text: text})
	}
	if err := flushFiles(files); err != nil {
		for _, p := range pending {
			tempfile.Remove(p.tmp)
		}
		return nil, err
	}
	var written []string
	for i, p := range pending {
		if err := tempfile.Rename(p.tmp, p.path); err != nil {
			for _, q := range pending[i:] {
				tempfile.Remove(q.tmp)
			}
			return written, fmt.Errorf("rename %s: %w", p.path, err)
		}
		run.FactsFiles[p.address] = p.rel
		run.FactsText[p.address] = p.text
		written = append(written, p.path)
	}
	return written, stop
}

// writeFactsTemp writes text to a new temporary file next to path and closes
// it; the returned *os.File only names it (and its descriptor is closed).
func writeFactsTemp(path string, text []byte) (*os.File, error) {
	f, err := tempfile.Create(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create temp file for %s: %w", path, err)
	}
	_, err = f.Write(text)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Close()
	} else {
		_ = f.Close()
	}
	if err != nil {
		tempfile.Remove(f.Name())
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return f, nil
}

// syncDir fsyncs a directory so the renames in it are durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
