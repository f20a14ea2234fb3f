package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/internal/outlock"
)

// TestOutDashRefused: `--out -` is refused with exit 2 by every command that
// takes --out, before anything is sent or written; no directory named "-"
// appears.
func TestOutDashRefused(t *testing.T) {
	port, accepted := countingListener(t)
	dir := t.TempDir()
	t.Chdir(dir)
	facts := writeFile(t, dir, "127.0.0.1.json", `{"schema_version":"1","address":"127.0.0.1","family":"ipv4","ip_class":"loopback","identity":{"is_printer":null,"is_mfp":null,"device_id":"address:127.0.0.1"},"ports":[],"collectors":{}}`)
	if err := os.Mkdir("run", 0o755); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"scan", "127.0.0.1", "--ports", port, "--out", "-"},
		{"scan", "127.0.0.1", "--ports", port, "--out", "-", "--format", "json"},
		{"scan", "127.0.0.1", "--ports", port, "-o", "-", "--format", "sarif"},
		{"eval", facts, "--out", "-"},
		{"eval", facts, "--out", "-", "--format", "json"},
		{"demo", "--out", "-"},
		{"report", "--from", "run", "--out", "-"},
	} {
		code, _, msg := runCLI(t, args...)
		if code != exitUsage || !strings.Contains(msg, "--out -") {
			t.Errorf("%v: exit %d, error %q; want %d naming --out -", args, code, msg, exitUsage)
		}
		if _, err := os.Stat("-"); err == nil {
			t.Fatalf("%v created a directory named -", args)
		}
	}
	if n := accepted.Load(); n != 0 {
		t.Fatalf("--out - still sent %d connection(s)", n)
	}
}

// TestRefusedRunCreatesNothing: a scan or eval refused for its own inputs
// (targets, facts files, attestations, policies) leaves the working
// directory as it was: no default mfpscan-report directory, no lock file.
func TestRefusedRunCreatesNothing(t *testing.T) {
	port, accepted := countingListener(t)
	dir := t.TempDir()
	t.Chdir(dir)
	missing := filepath.Join(t.TempDir(), "missing")
	for _, args := range [][]string{
		{"scan", "127.0.0.0/8", "--ports", port},
		{"scan", "127.0.0.1", "--ports", port, "--exclude", "not-an-address"},
		{"scan", "127.0.0.1", "--ports", port, "--attestations", missing + ".yaml"},
		{"scan", "127.0.0.1", "--ports", port, "--policy", missing + ".rego"},
		{"eval", missing + ".json"},
		{"eval", missing + ".json", "--attestations", missing + ".yaml"},
	} {
		if code, _, msg := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d (%q), want %d", args, code, msg, exitUsage)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("a refused run created %s in the working directory", e.Name())
	}
	if n := accepted.Load(); n != 0 {
		t.Errorf("a refused run sent %d connection(s)", n)
	}
}

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
