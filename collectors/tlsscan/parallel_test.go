package tlsscan

import (
	"fmt"
	"slices"
	"testing"
)

func TestParallelKeepsOrderAndContainsPanics(t *testing.T) {
	got := parallel(5, func(i int) string {
		if i == 3 {
			panic("hostile reply")
		}
		return fmt.Sprint(i * i)
	}, func(i int, v any) string { return fmt.Sprintf("%d panicked: %v", i, v) })
	want := []string{"0", "1", "4", "3 panicked: hostile reply", "16"}
	if !slices.Equal(got, want) {
		t.Errorf("parallel = %q, want %q", got, want)
	}
	if r := internalError(0, "boom"); r.state != unknown || r.reason != "internal error: boom" {
		t.Errorf("internalError = %+v, want unknown with the panic as reason", r)
	}
}
