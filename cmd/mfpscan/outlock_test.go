package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/internal/outlock"
)

// TestBusyOutputDirectoryRefused: while another run holds an output
// directory (an overlapping scheduled sweep), every command that writes one
// stops with exit 2 naming the holder, before it sends or changes anything;
// once the holder is gone the same command runs.
func TestBusyOutputDirectoryRefused(t *testing.T) {
	port, accepted := countingListener(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	factsFile := writeFile(t, dir, "127.0.0.1.json", `{"schema_version":"1","address":"127.0.0.1","family":"ipv4","ip_class":"loopback","identity":{"is_printer":null,"is_mfp":null,"device_id":"address:127.0.0.1"},"ports":[],"collectors":{}}`)
	// A finished run to re-render and merge: those read their inputs
	// before they lock.
	run := filepath.Join(dir, "run")
	if code, _, msg := runCLI(t, "eval", factsFile, "--out", run, "--no-history"); code != 0 {
		t.Fatalf("eval: exit %d, %q", code, msg)
	}
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	held, err := outlock.Acquire(out, "scan", time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	// What the holder has written so far must survive the refused runs.
	sentinel := writeFile(t, out, "findings.json", "being written")

	for _, args := range [][]string{
		{"scan", "127.0.0.1", "--ports", port, "--out", out, "--no-history"},
		{"scan", "127.0.0.1", "--ports", port, "--out", out, "--no-history", "--force"},
		{"eval", factsFile, "--out", out, "--no-history"},
		{"report", "--from", out},
		{"report", "--from", run, "--out", out},
		{"merge", run, "--out", out},
	} {
		code, _, msg := runCLI(t, args...)
		if code != exitUsage || !strings.Contains(msg, "being written by another mfpscan (pid") || !strings.Contains(msg, out) {
			t.Errorf("%v on a held directory: exit %d, %q; want %d naming the holder and the directory", args, code, msg, exitUsage)
		}
	}
	if n := accepted.Load(); n != 0 {
		t.Errorf("a refused scan still sent %d connection(s)", n)
	}
	if b, err := os.ReadFile(sentinel); err != nil || string(b) != "being written" {
		t.Fatalf("the holder's file changed under it: %.60q..., %v", b, err)
	}

	held.Release()
	if code, _, msg := runCLI(t, "eval", factsFile, "--out", out, "--no-history", "--format", "json"); code != 0 {
		t.Fatalf("eval after the holder ended: exit %d, %q", code, msg)
	}
}
