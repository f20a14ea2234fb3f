// Package outlock keeps two mfpscan runs from writing one output directory
// at the same time. Scheduled sweeps overlap when one night's run is slow:
// without a lock the second run would replace files the first is still
// writing (or, with --force, remove its journal), and the directory would
// end up with reports of one run and facts of the other.
//
// The lock is advisory (flock on Unix), taken on a file inside the
// directory. The kernel drops it when the process exits, however it exits,
// so a killed run never leaves a directory locked; the file itself stays.
package outlock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mfpscan/mfpscan/internal/usage"
)

// Name is the lock file's name inside the output directory.
const Name = ".mfpscan.lock"

// ErrBusy means another process holds the directory's lock.
var ErrBusy = errors.New("output directory in use by another mfpscan")

// Lock is a held output-directory lock.
type Lock struct{ f *os.File }

// Acquire locks dir, which must exist, for this process. what names
// the run for a process that finds the directory busy ("scan", "eval"...).
// A busy directory gives a usage error wrapping ErrBusy that says which
// process holds it; it never waits, so a scheduled run does not pile up
// behind a stuck one.
func Acquire(dir, what string, now time.Time) (*Lock, error) {
	path := filepath.Join(dir, Name)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, usage.Errorf("open lock file of output directory %s: %v", dir, err)
	}
	busy, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock output directory %s: %w", dir, err)
	}
	if busy {
		holder := readHolder(f)
		f.Close()
		return nil, usage.Errorf("%w: %s is being written by %s; wait for that run to end, or choose another --out", ErrBusy, dir, holder)
	}
	// Who holds it is only for the message above; failing to write it
	// leaves the lock held all the same.
	if err := f.Truncate(0); err == nil {
		_, _ = fmt.Fprintf(f, "pid %d\nrun %s\nsince %s\n", os.Getpid(), what, now.UTC().Format(time.RFC3339))
	}
	return &Lock{f: f}, nil
}

// Release drops the lock; nil and repeated calls are harmless.
func (l *Lock) Release() {
	if l == nil || l.f == nil {
		return
	}
	_ = unlock(l.f)
	l.f.Close()
	l.f = nil
}

// readHolder describes the lock's holder from what it wrote in the file.
// The file is the holder's to write, so its text is bounded and reduced
// to one printable line.
func readHolder(f *os.File) string {
	buf := make([]byte, 256)
	n, _ := f.ReadAt(buf, 0)
	text := string(buf[:n])
	// Only whole lines count: a cut one is a holder still writing, or a
	// file longer than any holder writes.
	text = text[:strings.LastIndexByte(text, '\n')+1]
	fields := map[string]string{}
	for line := range strings.Lines(text) {
		k, v, ok := strings.Cut(strings.TrimSuffix(line, "\n"), " ")
		if ok && strings.IndexFunc(v, func(r rune) bool { return r < ' ' || r == 0x7f }) < 0 {
			fields[k] = v
		}
	}
	if fields["pid"] == "" {
		return "another mfpscan process"
	}
	desc := "another mfpscan (pid " + fields["pid"]
	if fields["run"] != "" {
		desc += ", " + fields["run"]
	}
	if fields["since"] != "" {
		desc += " since " + fields["since"]
	}
	return desc + ")"
}
