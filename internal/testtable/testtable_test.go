package testtable

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// recorder is a testing.TB that keeps what Errorf reports.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestMappingReportsEveryMismatch(t *testing.T) {
	r := &recorder{TB: t}
	Mapping(r, "upper", strings.ToUpper, map[string]string{"a": "A", "b\n": "b\n", "c": "x"})
	got := strings.Join(r.errs, "|")
	for _, want := range []string{`upper("b\n") = "B\n", want "b\n"`, `upper("c") = "C", want "x"`} {
		if !strings.Contains(got, want) {
			t.Errorf("errors %q lack %q", got, want)
		}
	}
	if len(r.errs) != 2 {
		t.Errorf("%d errors, want 2: %q", len(r.errs), r.errs)
	}
}

func TestMappingShowsOtherTypesAsV(t *testing.T) {
	r := &recorder{TB: t}
	Mapping(r, "String", time.Duration.String, map[time.Duration]string{90 * time.Second: "1m31s"})
	if len(r.errs) != 1 || r.errs[0] != `String(1m30s) = "1m30s", want "1m31s"` {
		t.Errorf("errors %q", r.errs)
	}
}

func TestMappingPassesAMatchingTable(t *testing.T) {
	r := &recorder{TB: t}
	Mapping(r, "len", func(s string) int { return len(s) }, map[string]int{"": 0, "abc": 3})
	if len(r.errs) != 0 {
		t.Errorf("errors %q for a matching table", r.errs)
	}
}
