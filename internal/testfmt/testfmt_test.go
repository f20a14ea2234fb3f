package testfmt

import "testing"

func TestBool(t *testing.T) {
	yes, no := true, false
	for _, tc := range []struct {
		in   *bool
		want string
	}{{nil, "nil"}, {&yes, "true"}, {&no, "false"}} {
		if got := Bool(tc.in); got != tc.want {
			t.Errorf("Bool(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
