// Package testtable checks the commonest table test in the repository: a
// pure function of one value, each input listed with the result it must
// give. The loop and its failure message were written out again in every
// package that had such a table.
package testtable

import (
	"fmt"
	"strconv"
	"testing"
)

// Mapping checks that f gives each input in want its result, naming f as
// name in a failure; every mismatch is reported, not only the first.
func Mapping[In, Out comparable](t testing.TB, name string, f func(In) Out, want map[In]Out) {
	t.Helper()
	for in, w := range want {
		if got := f(in); got != w {
			t.Errorf("%s(%s) = %s, want %s", name, show(in), show(got), show(w))
		}
	}
}

// show quotes a string, so that blanks and control bytes show, and prints
// anything else as %v does.
func show(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}
