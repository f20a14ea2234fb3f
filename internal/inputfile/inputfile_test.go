package inputfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	cases := map[string]string{"fifo": fifo, "directory": dir}
	if _, err := os.Stat("/dev/zero"); err == nil {
		cases["/dev/zero"] = "/dev/zero"
	}
	for name, path := range cases {
		done := make(chan error, 1)
		go func() { _, err := Read(path, 1<<20); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotRegular) {
				t.Errorf("%s: Read = %v, want ErrNotRegular", name, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: Read blocked", name)
		}
	}
}

func TestReadCapsAtTheLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, []byte(strings.Repeat("x", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := Read(path, 100); err != nil || len(got) != 100 {
		t.Errorf("Read at the limit = %d bytes, %v; want 100, nil", len(got), err)
	}
	if _, err := Read(path, 99); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Read over the limit = %v, want ErrTooLarge", err)
	}
	if _, err := Read(filepath.Join(t.TempDir(), "missing"), 10); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Read of a missing file = %v, want ErrNotExist", err)
	}
}

func TestCheckInfoWithoutOpening(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "small")
	if err := os.WriteFile(f, []byte("12345"), 0o600); err != nil {
		t.Fatal(err)
	}
	stat := func(p string) os.FileInfo {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return info
	}
	if err := CheckInfo(f, stat(f), 5); err != nil {
		t.Errorf("5 bytes at a 5-byte cap: %v", err)
	}
	if err := CheckInfo(f, stat(f), 4); !errors.Is(err, ErrTooLarge) {
		t.Errorf("5 bytes at a 4-byte cap: %v, want ErrTooLarge", err)
	}
	if err := CheckInfo(dir, stat(dir), 1<<20); !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "a directory") {
		t.Errorf("directory: %v, want ErrNotRegular naming a directory", err)
	}
}
