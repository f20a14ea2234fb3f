package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/mfpscan/mfpscan/pipeline"
)

// TestUsageErrorsAreTyped: every way cobra and the commands refuse input
// reaches main as one *pipeline.UsageError, found with errors.As; exit code
// 2 comes from that type alone.
func TestUsageErrorsAreTyped(t *testing.T) {
	dir := t.TempDir()
	tests := [][]string{
		{"scan", "127.0.0.1", "--colour"},                // unknown flag (cobra/pflag)
		{"scan", "127.0.0.1", "--rate"},                  // flag without its value
		{"scan", "127.0.0.1", "--rate", "fast"},          // flag value of the wrong type
		{"sacn", "127.0.0.1"},                            // unknown command
		{"policy", "lsit"},                               // unknown subcommand
		{"diff", "only-one"},                             // wrong argument count
		{"eval"},                                         // too few arguments
		{"version", "extra"},                             // arguments where none are taken
		{"scan", "127.0.0.1", "--ports", "0"},            // pipeline validation
		{"report", "--from", filepath.Join(dir, "none")}, // reports input
		{"diff", filepath.Join(dir, "a"), filepath.Join(dir, "b")},
	}
	for _, args := range tests {
		root := newRootCommand()
		root.SetArgs(args)
		root.SetOut(new(discard))
		root.SetErr(new(discard))
		err := root.Execute()
		var ue *pipeline.UsageError
		if !errors.As(err, &ue) {
			t.Errorf("%v: error %v (%T) is not a *pipeline.UsageError", args, err, err)
		}
		if exitCode(err) != exitUsage {
			t.Errorf("%v: exit code %d, want %d", args, exitCode(err), exitUsage)
		}
	}
}

// TestExitCodeMatchesNoText: an untyped error whose text looks like one of
// cobra's usage messages is a runtime failure, not a usage error.
func TestExitCodeMatchesNoText(t *testing.T) {
	for _, msg := range []string{`unknown command "x" for "mfpscan"`, "accepts 2 arg(s), received 1", "requires at least 1 arg(s)", "usage error: x"} {
		if got := exitCode(fmt.Errorf("dial: %s", msg)); got != exitRuntime {
			t.Errorf("exitCode(%q) = %d, want %d", msg, got, exitRuntime)
		}
	}
}

type discard struct{}

func (*discard) Write(p []byte) (int, error) { return len(p), nil }
