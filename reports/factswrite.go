package reports

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/mfpscan/mfpscan/internal/tempfile"
)

// factsBatch is how many facts files share one flush to disk.
const factsBatch = 256

// pendingFile is a facts file written to a temporary name, renamed into
// place once its batch is durable.
type pendingFile struct {
	tmp, path string
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
