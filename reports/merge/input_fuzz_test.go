package merge

import (
	"strings"
	"testing"
)

// FuzzParseInput: "SITE=DIR" splits only where the site is a plain name, and
// nothing of the argument is ever lost, so a directory whose path holds "="
// is still read as that directory.
func FuzzParseInput(f *testing.F) {
	for _, s := range []string{"runs/a", "hq=runs/a", "=runs/a", "a/b=c", `a\b=c`, "hq=", "x=y=z", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		in := ParseInput(arg)
		if in.Site == "" {
			if in.Dir != arg {
				t.Fatalf("ParseInput(%q) = %+v: directory changed", arg, in)
			}
			return
		}
		if in.Site+"="+in.Dir != arg || strings.ContainsAny(in.Site, `/\=`) {
			t.Fatalf("ParseInput(%q) = %+v", arg, in)
		}
	})
}
