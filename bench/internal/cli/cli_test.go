package cli

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		err  error
		code int
		msg  string
	}{
		{nil, 0, ""},
		{errors.New("parse flags: boom"), 1, "tool: parse flags: boom\n"},
		{fmt.Errorf("ports differ: %w", ErrReported), 1, ""},
	} {
		var buf bytes.Buffer
		if got := exitCode("tool", tc.err, &buf); got != tc.code || buf.String() != tc.msg {
			t.Errorf("exitCode(%v) = %d, %q; want %d, %q", tc.err, got, buf.String(), tc.code, tc.msg)
		}
	}
}

func TestFlags(t *testing.T) {
	var stderr bytes.Buffer
	fs := Flags("tool", &stderr)
	n := fs.Int("n", 1, "a number")
	if err := Parse(fs, []string{"-n", "3", "rest"}); err != nil || *n != 3 || fs.NArg() != 1 {
		t.Errorf("Parse: %v, n=%d, %d args; want nil, 3, 1", err, *n, fs.NArg())
	}
	err := Parse(fs, []string{"-bogus"})
	if err == nil || !strings.HasPrefix(err.Error(), "parse flags: ") || !strings.Contains(stderr.String(), "bogus") {
		t.Errorf("bad flag: %v, stderr %q; want a parse flags error reported on stderr", err, stderr.String())
	}
}
