package reports

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/usage"
)

var rereadFormats = []string{"sarif", "html", "csv", "markdown", "json"}

// fromDisk writes the fixture run's findings.json and facts files, then
// lets tamper change them, as a user or an older run may have.
func fromDisk(t *testing.T, tamper func(dir string, f map[string]any)) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := WriteAll(context.Background(), dir, fixtureRun(), []string{"json"}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "findings.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]any
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	tamper(dir, f)
	if raw, err = json.MarshalIndent(f, "", "  "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Reading a run back device by device writes the bytes the whole run
// read into memory (loadRunWhole) writes, whatever order findings.json lists
// its results in and whether every device has its facts file.
func TestRerenderStreamsWhatLoadRunGives(t *testing.T) {
	ctx := context.Background()
	cases := map[string]func(dir string, f map[string]any){
		"as written": func(string, map[string]any) {},
		"results shuffled": func(_ string, f map[string]any) {
			rs := f["results"].([]any)
			rand.New(rand.NewPCG(1, 2)).Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
		},
		"results reversed": func(_ string, f map[string]any) {
			rs := f["results"].([]any)
			for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
				rs[i], rs[j] = rs[j], rs[i]
			}
		},
		"a facts file missing": func(dir string, _ map[string]any) {
			if err := os.Remove(filepath.Join(dir, "facts", "__1.json")); err != nil {
				t.Fatal(err)
			}
		},
		"a device without results": func(_ string, f map[string]any) {
			var kept []any
			for _, r := range f["results"].([]any) {
				if r.(map[string]any)["address"] != "::1" {
					kept = append(kept, r)
				}
			}
			f["results"] = kept
		},
	}
	for name, tamper := range cases {
		t.Run(name, func(t *testing.T) {
			from := fromDisk(t, tamper)
			run, err := loadRunWhole(ctx, from)
			if err != nil {
				t.Fatal(err)
			}
			run.Site, run.ExitCode = "hq", 1
			want, got := t.TempDir(), t.TempDir()
			if _, err := WriteAll(ctx, want, run, rereadFormats); err != nil {
				t.Fatal(err)
			}
			if err := Rerender(ctx, from, got, rereadFormats, RerenderOptions{Site: "hq", ExitCode: 1}); err != nil {
				t.Fatal(err)
			}
			sameTree(t, want, got)
		})
	}
}

// sameTree fails unless both directories hold the same files (the lock
// aside) with the same bytes.
func sameTree(t *testing.T, want, got string) {
	t.Helper()
	files := func(root string) map[string][]byte {
		out := map[string][]byte{}
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() == ".mfpscan.lock" {
				return err
			}
			b, err := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			out[rel] = b
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	w, g := files(want), files(got)
	for name, b := range w {
		if gb, ok := g[name]; !ok {
			t.Errorf("%s missing", name)
		} else if !bytes.Equal(gb, b) {
			t.Errorf("%s differs", name)
		}
	}
	for name := range g {
		if _, ok := w[name]; !ok {
			t.Errorf("%s written, not expected", name)
		}
	}
}

// A facts file left by an earlier run in a reused directory, for a device
// this run did not find, is not part of the run read back.
func TestRerenderLeavesOutAnEarlierRunsDevice(t *testing.T) {
	from := fromDisk(t, func(dir string, _ map[string]any) {
		raw, err := os.ReadFile(filepath.Join(dir, "facts", "127.77.0.11.json"))
		if err != nil {
			t.Fatal(err)
		}
		gone := strings.ReplaceAll(string(raw), "127.77.0.11", "127.77.0.99")
		if err := os.WriteFile(filepath.Join(dir, "facts", "127.77.0.99.json"), []byte(gone), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	out := t.TempDir()
	if err := Rerender(context.Background(), from, out, []string{"json"}, RerenderOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "facts", "127.77.0.99.json")); !os.IsNotExist(err) {
		t.Errorf("the earlier run's device was written again (stat: %v)", err)
	}
	orig, err := LoadFindings(from)
	if err != nil {
		t.Fatal(err)
	}
	f, err := LoadFindings(out)
	if err != nil {
		t.Fatal(err)
	}
	if f.Summary.Devices != orig.Summary.Devices {
		t.Errorf("%d devices, want the run's %d", f.Summary.Devices, orig.Summary.Devices)
	}
}

// A facts file changed between the check and the write ends the write
// with an error instead of writing a document that was never checked.
func TestRunSourceRefusesAFactsFileChangedMeanwhile(t *testing.T) {
	ctx := context.Background()
	from := fromDisk(t, func(string, map[string]any) {})
	src, err := OpenRun(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if err := os.WriteFile(filepath.Join(from, "facts", "__1.json"), []byte(`{"address": 7}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var seen []string
	var last error
	for dr, err := range src.Devices(ctx) {
		if err != nil {
			last = err
			break
		}
		seen = append(seen, dr.Address)
	}
	if !usage.Is(last) || !strings.Contains(last.Error(), "changed while the run was being read") {
		t.Fatalf("devices %v, error %v; want the changed facts file refused", seen, last)
	}
}

func TestRunSourceBadFindings(t *testing.T) {
	good, err := os.ReadFile(filepath.Join(fromDisk(t, func(string, map[string]any) {}), "findings.json"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, doc, want string }{
		{"cut short", string(good[:len(good)/2]), "unexpected end of JSON input"},
		{"data after", string(good) + `{}`, "data after the findings document"},
		{"member twice", strings.Replace(string(good), `"rules":`, `"tool": {}, "rules":`, 1), `member "tool" given twice`},
		{"no schema version", strings.Replace(string(good), `"schema_version"`, `"schema"`, 1), `schema_version ""`},
		{"bad status", strings.Replace(string(good), `"status": "fail"`, `"status": "fine"`, 1), `status "fine"`},
		{"not an object", `[]`, "want \"{\""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "findings.json"), []byte(tc.doc), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := OpenRun(context.Background(), dir)
			if !usage.Is(err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a usage error saying %q", err, tc.want)
			}
		})
	}
}

// A document that would be over the facts file cap once written again is
// refused when the run is checked, before anything is written: before,
// report --from failed half way through, with an internal error.
func TestRunSourceRefusesADocumentThatWouldNotReadBack(t *testing.T) {
	from := fromDisk(t, func(dir string, _ map[string]any) {
		path := filepath.Join(dir, "facts", "__1.json")
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		// 4 MiB of '<', six times that once escaped and indented.
		doc["banners"] = []any{map[string]any{"port": 21, "service": "ftp", "status": "ok", "text": strings.Repeat("<", facts.MaxFileBytes/4)}}
		var compact bytes.Buffer
		enc := json.NewEncoder(&compact)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(doc); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, compact.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	out := t.TempDir()
	err := Rerender(context.Background(), from, out, []string{"json", "sarif"}, RerenderOptions{})
	if !usage.Is(err) || !strings.Contains(err.Error(), "would not read back") || !strings.Contains(err.Error(), "__1.json") {
		t.Fatalf("err = %v, want a usage error naming __1.json", err)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("a refused report --from wrote %d entries", len(entries))
	}
}

// findings.json rewritten in place between the check and the write (same
// size, a status flipped) abandons the write.
func TestRunSourceRefusesFindingsChangedInPlace(t *testing.T) {
	ctx := context.Background()
	from := fromDisk(t, func(string, map[string]any) {})
	src, err := OpenRun(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	path := filepath.Join(from, "findings.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Replace(raw, []byte(`"status": "fail"`), []byte(`"status": "pass"`), 1)
	if bytes.Equal(flipped, raw) {
		t.Fatal("fixture has no failed result to flip")
	}
	if err := os.WriteFile(path, flipped, 0o644); err != nil {
		t.Fatal(err)
	}
	var last error
	for _, err := range src.Devices(ctx) {
		if err != nil {
			last = err
		}
	}
	if !usage.Is(last) || !strings.Contains(last.Error(), "changed while the run was being read") {
		t.Fatalf("error %v, want findings.json refused as changed", last)
	}
}

// Hostile findings.json: nesting a million deep, or one value of more than
// maxStreamValue, is refused without holding it.
func TestRunSourceBoundsHostileFindings(t *testing.T) {
	head := `{"schema_version":"` + FindingsSchemaVersion + `","x":`
	cases := map[string]string{
		"nested": head + strings.Repeat("[", 1<<20) + strings.Repeat("]", 1<<20) + `}`,
		// The budget counts from the value's start; what the decoder had
		// read ahead of it is its slack.
		"huge value": head + `"` + strings.Repeat("a", maxStreamValue+1<<20) + `"}`,
	}
	want := map[string]string{"nested": "exceeded max depth", "huge value": "a single value of more than 64 MiB"}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "findings.json"), []byte(doc), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := OpenRun(context.Background(), dir)
			if !usage.Is(err) || !strings.Contains(err.Error(), want[name]) {
				t.Fatalf("err = %v, want a usage error saying %q", err, want[name])
			}
		})
	}
}

// report --from tells its progress once per device written, ending at the
// run's device count.
func TestRerenderReportsProgress(t *testing.T) {
	from := fromDisk(t, func(string, map[string]any) {})
	orig, err := LoadFindings(from)
	if err != nil {
		t.Fatal(err)
	}
	var calls [][2]int
	opts := RerenderOptions{Progress: func(done, total int) { calls = append(calls, [2]int{done, total}) }}
	if err := Rerender(context.Background(), from, t.TempDir(), []string{"json"}, opts); err != nil {
		t.Fatal(err)
	}
	n := orig.Summary.Devices
	if len(calls) != n || n == 0 {
		t.Fatalf("progress calls %v, want one per device of %d", calls, n)
	}
	for i, c := range calls {
		if c != [2]int{i + 1, n} {
			t.Fatalf("progress calls %v, want 1/%d up to %d/%d", calls, n, n, n)
		}
	}
}
