package portset

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/internal/testfile"
)

func addSeeds(f *testing.F, names ...string) {
	for _, n := range names {
		f.Add(testfile.Read(f, filepath.Join("testdata", n)))
	}
}

// The parsers must return a set or an error, never panic, and never report
// a port outside 1-65535.
func FuzzParseMfpscanJSON(f *testing.F) {
	addSeeds(f, "native-24.jsonl")
	f.Add([]byte(`{"address":"::ffff:127.0.0.1","port":1,"protocol":"tcp","state":"open"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseMfpscanJSON(strings.NewReader(string(b)))
		checkSet(t, s, err)
	})
}

func FuzzParseNmapXML(f *testing.F) {
	addSeeds(f, "nmap-sample.xml")
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseNmapXML(strings.NewReader(string(b)))
		checkSet(t, s, err)
	})
}

func checkSet(t *testing.T, s Set, err error) {
	t.Helper()
	if err != nil {
		if s != nil {
			t.Fatalf("error %v with a non-nil set", err)
		}
		return
	}
	for k := range s {
		if k.Port < 1 || k.Port > 65535 || !k.Addr.IsValid() || k.Addr.Is4In6() {
			t.Fatalf("bad key %v", k)
		}
	}
}
