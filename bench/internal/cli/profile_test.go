package cli

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCPUProfile(t *testing.T) {
	stop, err := CPUProfile("")
	if err != nil {
		t.Fatalf("no path: %v", err)
	}
	stop()

	path := filepath.Join(t.TempDir(), "cpu.out")
	stop, err = CPUProfile(path)
	if err != nil {
		t.Fatal(err)
	}
	stop()
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Fatalf("profile file after stop: %v, %v", fi, err)
	}

	if _, err := CPUProfile(filepath.Join(t.TempDir(), "missing", "cpu.out")); err == nil {
		t.Fatal("a profile in a missing directory started")
	}
}
