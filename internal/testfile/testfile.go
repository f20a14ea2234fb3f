// Package testfile loads the test data files that tests of several packages
// share, failing the test (not returning an error) when one is missing or
// malformed, so a test never runs on data it did not get.
package testfile

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/facts"
)

// Read returns the file's bytes.
func Read(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Testdata returns the bytes of a file under the repository's testdata
// directory, named by its path elements, from a test in any package.
func Testdata(t testing.TB, elem ...string) []byte {
	t.Helper()
	return Read(t, filepath.Join(append([]string{RepoRoot(t), "testdata"}, elem...)...))
}

// Inline is for tables that hold short inputs in line and captures by
// name: s itself, or, when s starts with @, the bytes of the testdata file
// dir/s[1:] (read as Testdata does).
func Inline(t testing.TB, dir, s string) []byte {
	t.Helper()
	if name, ok := strings.CutPrefix(s, "@"); ok {
		return Testdata(t, dir, name)
	}
	return []byte(s)
}

// RepoRoot is the directory of the module's go.mod, found upwards from the
// test's working directory (its package directory).
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("find repository root: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("find repository root: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Parse opens path and reads it with parse, failing on either error.
func Parse[T any](t testing.TB, path string, parse func(io.Reader) (T, error)) T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := parse(f)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	return v
}

// Devices decodes a JSON array of facts documents; an empty array fails
// too, as a test over no documents would check nothing.
func Devices(t testing.TB, path string) []*facts.Device {
	t.Helper()
	var docs []*facts.Device
	if err := json.Unmarshal(Read(t, path), &docs); err != nil {
		t.Fatalf("decode documents %s: %v", path, err)
	}
	if len(docs) == 0 {
		t.Fatalf("%s holds no documents", path)
	}
	return docs
}
