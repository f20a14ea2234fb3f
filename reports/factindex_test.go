package reports

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pointersOf lists a pointer for every member and element of doc, plus an
// absent child and an absent sibling of each, so the nearest-ancestor rule
// is exercised everywhere.
func pointersOf(t *testing.T, doc []byte) []string {
	t.Helper()
	lines, ok := indexFacts(doc)
	if !ok {
		t.Fatal("document not indexable")
	}
	out := []string{"", "/", "no-slash", "/nope", "/~2", "/a~"}
	for p := range lines {
		out = append(out, p, p+"/absent", p+"/0", p+"~1x", p+"/~0")
	}
	return out
}

// TestFactIndexMatchesFactLine compares the index with FactLine over every
// facts document in testdata and every report fixture, pointer by pointer.
func TestFactIndexMatchesFactLine(t *testing.T) {
	var docs [][]byte
	paths, _ := filepath.Glob(filepath.Join(goldenDir, "facts-*.json"))
	more, _ := filepath.Glob("../bench/collect/internal/factcount/testdata/facts-*.json")
	for _, p := range append(paths, more...) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, b)
	}
	for _, d := range fixtureDevices() {
		b, err := EncodeFacts(d)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, b)
	}
	if len(docs) < 3 {
		t.Fatalf("only %d documents found", len(docs))
	}
	checked := 0
	for i, doc := range docs {
		x := NewFactIndex(doc)
		if x.lines == nil {
			t.Fatalf("document %d: the index fell back to FactLine on a facts document", i)
		}
		for _, p := range pointersOf(t, doc) {
			if got, want := x.Line(p), FactLine(doc, p); got != want {
				t.Errorf("document %d, %q: index %d, FactLine %d", i, p, got, want)
			}
			checked++
		}
	}
	t.Logf("%d pointers compared", checked)
}

// TestFactIndexOddDocuments: inputs the table cannot answer exactly still
// get FactLine's answer.
func TestFactIndexOddDocuments(t *testing.T) {
	tests := []struct{ doc, pointer string }{
		{"{\n\"a\": 1,\n\"a\": {\n\"b\": 2}}", "/a/b"},
		{"{\n\"a\": {\"x\": 1},\n\"a\": {\n\"b\": 2}}", "/a/b"},
		{"1 {\n\"a\": 1}", "/a"},
		{"{\n\"a\": [tru", "/a/0"},
		{"{\n\"a\": {\n\"b\"", "/a/b/c"},
		{"", "/a"},
		{"{\"a\": 1}\n{\n\"b\": 2}", "/b"},
		{strings.Repeat("[", 100) + strings.Repeat("]", 100), "/0/0/0"},
	}
	for _, tc := range tests {
		if got, want := NewFactIndex([]byte(tc.doc)).Line(tc.pointer), FactLine([]byte(tc.doc), tc.pointer); got != want {
			t.Errorf("%q %q: index %d, FactLine %d", tc.doc, tc.pointer, got, want)
		}
	}
}

func FuzzFactIndex(f *testing.F) {
	addGoldenFactsSeeds(f, "/tls/0/versions/tls1_0", "/identity/serial/nope")
	f.Add([]byte("{\n\"a\": 1,\n\"a\": {\n\"b\": 2}}"), "/a/b")
	f.Add([]byte("{\n\"a/b\": [1,\n{\"~\": 2}]}"), "/a~1b/1/~0")
	f.Fuzz(func(t *testing.T, doc []byte, pointer string) {
		if got, want := NewFactIndex(doc).Line(pointer), FactLine(doc, pointer); got != want {
			t.Fatalf("index %d, FactLine %d", got, want)
		}
	})
}
