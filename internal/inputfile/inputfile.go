// Package inputfile reads the files an operator points mfpscan at (baseline,
// waivers, data, attestations, facts, communities) with two guarantees: a
// size cap, and only regular files. A FIFO would block the run forever and
// /dev/zero would grow memory without limit; both are refused before a byte
// is read.
package inputfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// ErrNotRegular is returned for a FIFO, device, socket or directory.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is returned for a file over its cap.
var ErrTooLarge = errors.New("file too large")

// Open opens path for reading without blocking (a FIFO with no writer
// would otherwise hang in open(2)) and refuses anything but a regular file.
// Symbolic links are followed: the file they name is what is checked.
func Open(path string) (*os.File, error) {
	fh, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	info, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("stat %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		fh.Close()
		return nil, fmt.Errorf("%s: %w (%s)", path, ErrNotRegular, kind(info.Mode()))
	}
	return fh, nil
}

// Check opens and closes path: it exists, is readable and is a regular file.
func Check(path string) error {
	fh, err := Open(path)
	if err != nil {
		return err
	}
	return fh.Close()
}

// Read returns the whole of the regular file path, refusing it when it holds
// more than limit bytes. It never reads more than limit+1 bytes, so a file
// growing while read cannot exceed the cap either.
func Read(path string, limit int64) ([]byte, error) {
	fh, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	raw, err := io.ReadAll(io.LimitReader(fh, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(raw)) > limit {
		return nil, fmt.Errorf("%s: %w: over %s", path, ErrTooLarge, Size(limit))
	}
	return raw, nil
}

// CheckInfo checks what a stat of path said, without opening it: a regular
// file of at most limit bytes. It serves callers that walk a tree and have
// the FileInfo already (policy directories, bundles).
func CheckInfo(path string, info os.FileInfo, limit int64) error {
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s: %w (%s)", path, ErrNotRegular, kind(info.Mode()))
	}
	if info.Size() > limit {
		return fmt.Errorf("%s: %w: %d bytes, larger than the %s limit", path, ErrTooLarge, info.Size(), Size(limit))
	}
	return nil
}

// Size renders a cap for error messages: "16 MiB", "64 KiB", "100 bytes".
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

func kind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a block device"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return m.Type().String()
}
