package policies

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// loadWithin runs Load in the background and fails the test if it has not
// returned within a generous bound: the inputs below used to block or grow
// memory without end.
func loadWithin(t *testing.T, opts Options) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := Load(context.Background(), opts)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("Load did not return: it is reading an input without a limit")
		return nil
	}
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}

// TestPolicyInputsMustBeRegularFiles: a FIFO or a device (/dev/zero) as a
// policy, in a policy directory, or as a data or waivers file is refused at
// once, never read.
func TestPolicyInputsMustBeRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.rego")
	mkfifo(t, fifo)
	zero := filepath.Join(dir, "zero.rego")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	treeDir := filepath.Join(dir, "tree")
	if err := os.Mkdir(treeDir, 0o755); err != nil {
		t.Fatal(err)
	}
	mkfifo(t, filepath.Join(treeDir, "rule.rego"))
	dataFifo := filepath.Join(dir, "data.yaml")
	mkfifo(t, dataFifo)

	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"fifo policy", Options{Policies: []string{fifo}}, "not a regular file (a named pipe)"},
		{"/dev/zero policy", Options{Policies: []string{zero}}, "not a regular file (a character device)"},
		{"fifo in a policy directory", Options{Policies: []string{treeDir}}, "not a regular file (a named pipe)"},
		{"fifo data file", Options{DataFiles: []string{dataFifo}}, "not a regular file (a named pipe)"},
		{"/dev/zero data file", Options{DataFiles: []string{"/dev/zero"}}, "not a regular file (a character device)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.NoBuiltin, tc.opts.Evaluator = true, EvaluatorTopdown
			err := loadWithin(t, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load = %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := LoadWaivers("/dev/zero", fixedNow); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("LoadWaivers(/dev/zero) = %v, want it refused", err)
	}
}

// TestPolicySizeCaps: an oversized .rego file, and a small bundle that
// expands past the cap (a compression bomb), are refused before OPA's
// loader reads them.
func TestPolicySizeCaps(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.rego")
	body := "package org.big\n\n# " + strings.Repeat("x", maxPolicyFile) + "\n"
	if err := os.WriteFile(big, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := loadWithin(t, Options{NoBuiltin: true, Policies: []string{big}}); err == nil || !strings.Contains(err.Error(), "larger than the 4 MiB limit") {
		t.Errorf("big .rego: Load = %v, want the size cap", err)
	}

	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	tw := tar.NewWriter(zw)
	zeros := make([]byte, 1<<20)
	const files = 3
	per := int64(maxPolicyTree/files + 1<<20)
	for i := range files {
		if err := tw.WriteHeader(&tar.Header{Name: filepath.Join("data", string(rune('a'+i)), "data.json"), Mode: 0o600, Size: per, Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		for w := int64(0); w < per; w += int64(len(zeros)) {
			if _, err := tw.Write(zeros[:min(int64(len(zeros)), per-w)]); err != nil {
				t.Fatal(err)
			}
		}
	}
	tw.Close()
	zw.Close()
	if buf.Len() > 1<<20 {
		t.Fatalf("bomb is %d bytes compressed, want under 1 MiB", buf.Len())
	}
	bomb := filepath.Join(dir, "bomb.tar.gz")
	if err := os.WriteFile(bomb, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := loadWithin(t, Options{NoBuiltin: true, Policies: []string{bomb}}); err == nil || !strings.Contains(err.Error(), "expands to more than") {
		t.Errorf("bundle bomb: Load = %v, want the expansion cap", err)
	}
}
