package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/mfpscan/mfpscan/bench/internal/measure"
)

func TestRunWritesResultAndStdout(t *testing.T) {
	dir := t.TempDir()
	res, out := filepath.Join(dir, "r.json"), filepath.Join(dir, "out")
	if err := run(context.Background(), []string{"-result", res, "-stdout", out, "--", "sh", "-c", "echo hi; exit 7"}, io.Discard, io.Discard); err != nil {
		t.Fatalf("run: %v", err)
	}
	r, err := measure.Read(res)
	if err != nil || r.ExitCode != 7 {
		t.Errorf("result = %+v, %v; want exit 7 recorded", r, err)
	}
	if b, _ := os.ReadFile(out); string(b) != "hi\n" {
		t.Errorf("stdout file = %q", b)
	}
}

func TestRunRejectsBadArgs(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--", "true"},                       // no -result
		{"-result", filepath.Join(dir, "r")}, // no command
		{"-result", filepath.Join(dir, "r"), "--", filepath.Join(dir, "no-such-tool")},
	} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("run(%q): no error", args)
		}
	}
}
