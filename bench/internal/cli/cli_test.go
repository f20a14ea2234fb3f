package cli

import (
	"bytes"
	"errors"
	"fmt"
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
