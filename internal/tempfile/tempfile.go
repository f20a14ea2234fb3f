// Package tempfile creates the temporary files of atomic writes and keeps
// a list of those not yet renamed into place, so a process that must exit
// at once (a second Ctrl-C) can remove them instead of leaving
// ".NAME.tmp-*" files in the output directory.
//
// The list is process-wide because the exit path (main's signal handler)
// knows nothing of the writers; entries leave it when the writer renames
// or removes its file, so no test needs to reset it.
package tempfile

import (
	"os"
	"sync"
)

var (
	mu      sync.Mutex
	pending = map[string]struct{}{}
)

// Create is os.CreateTemp that registers the file until Done is called.
func Create(dir, pattern string) (*os.File, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	mu.Lock()
	pending[f.Name()] = struct{}{}
	mu.Unlock()
	return f, nil
}

// Done unregisters name: it was renamed into place or removed.
func Done(name string) {
	mu.Lock()
	delete(pending, name)
	mu.Unlock()
}

// RemoveAll removes every registered file that is still pending. It is
// called on the way out of the process; errors are of no use there.
func RemoveAll() {
	mu.Lock()
	defer mu.Unlock()
	for name := range pending {
		_ = os.Remove(name)
		delete(pending, name)
	}
}

// Rename moves the temporary file into place and unregisters it.
func Rename(tmp, path string) error {
	err := os.Rename(tmp, path)
	if err == nil {
		Done(tmp)
	}
	return err
}

// Remove deletes the temporary file and unregisters it.
func Remove(tmp string) {
	_ = os.Remove(tmp)
	Done(tmp)
}
