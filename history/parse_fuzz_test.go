package history

import (
	"testing"
	"time"
)

// FuzzParseAge: an accepted age is never negative, whatever the operator
// types (a wrapped-around day count would make prune delete everything).
func FuzzParseAge(f *testing.F) {
	for _, s := range []string{"90d", "2w", "12h", "1h30m", "-1d", "106751d", "106752d", "9223372036854775807w", " 3d ", "d", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseAge(s)
		if err == nil && d < 0 {
			t.Fatalf("ParseAge(%q) = %v, want a non-negative age", s, d)
		}
	})
}

func TestParseAgeRefusesOverflow(t *testing.T) {
	if d, err := ParseAge("106751d"); err != nil || d != 106751*24*time.Hour {
		t.Errorf("ParseAge(106751d) = %v, %v", d, err)
	}
	for _, s := range []string{"106752d", "9223372036854775807w"} {
		if d, err := ParseAge(s); err == nil {
			t.Errorf("ParseAge(%q) = %v, want an error", s, d)
		}
	}
}
