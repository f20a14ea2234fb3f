package facts

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// validDocs are facts documents (most of them valid) of the repository's test data: the report
// fixture, the collection benchmark's captures and the 50 generated
// devices of the policy tests, each compact and indented.
func validDocs(t testing.TB) [][]byte {
	t.Helper()
	var docs [][]byte
	for _, p := range []string{
		"../testdata/reports/facts-127.77.0.10.json",
		"../bench/collect/internal/factcount/testdata/facts-web-server.json",
		"../bench/collect/internal/factcount/testdata/facts-ir-adv-factory.json",
	} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, b)
	}
	b, err := os.ReadFile(filepath.Join("..", "policies", "testdata", "input", "gen-n50-seed7.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fleet []json.RawMessage
	if err := json.Unmarshal(b, &fleet); err != nil {
		t.Fatal(err)
	}
	for _, d := range fleet {
		docs = append(docs, d)
	}
	for _, d := range docs[:len(docs):len(docs)] {
		var v any
		if err := json.Unmarshal(d, &v); err != nil {
			t.Fatal(err)
		}
		ind, _ := json.MarshalIndent(v, "", "  ")
		docs = append(docs, ind)
	}
	return docs
}

func newTestValidator(t testing.TB) *Validator {
	t.Helper()
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	if v.fast == nil {
		_, err := compileFastSchema(SchemaJSON)
		t.Fatalf("no quick check for the facts schema: %v", err)
	}
	return v
}

// checkAgainstLibrary fails when the quick check accepts what the library
// refuses, or when Validate's verdict differs from the library's. It returns whether the quick check accepted doc.
func checkAgainstLibrary(t *testing.T, v *Validator, doc []byte) bool {
	t.Helper()
	fast := v.fast.valid(doc)
	lib := v.validateLibrary(doc)
	if fast && lib != nil {
		t.Fatalf("quick check accepted %.300q, the library refuses it: %v", doc, lib)
	}
	// Wording is not compared: a refused document goes to the same library
	// call, whose lists of properties come in map order, not always the same.
	if got := v.Validate(doc); (got == nil) != (lib == nil) {
		t.Fatalf("%.300q: Validate says %v, the library %v", doc, got, lib)
	}
	return fast
}

// The documents mfpscan writes take the quick path; otherwise it saves
// nothing.
func TestFastSchemaAcceptsValidDocuments(t *testing.T) {
	v := newTestValidator(t)
	valid := 0
	for i, d := range validDocs(t) {
		fast := checkAgainstLibrary(t, v, d)
		if v.validateLibrary(d) != nil {
			continue // some generated devices are off-schema on purpose
		}
		valid++
		if !fast {
			t.Errorf("document %d: valid for the library, not taken by the quick check", i)
		}
	}
	if valid < 60 {
		t.Errorf("only %d valid documents in the test data", valid)
	}
}

// Each edit of a valid document either breaks it (the quick check must then
// refuse it, and Validate gives the library's error) or is one the quick
// check leaves to the library; either way the verdicts match.
func TestFastSchemaEdits(t *testing.T) {
	v := newTestValidator(t)
	base := validDocs(t)[0]
	if !strings.Contains(string(base), `"schema_version": "1"`) {
		t.Fatalf("fixture changed: %.200s", base)
	}
	edits := []struct {
		old, new string
		valid    bool // for the library
	}{
		{`"schema_version": "1"`, `"schema_version": "2"`, false},
		{`"schema_version": "1"`, `"schema_version": "\u0031"`, true}, // escape: library decides
		{`"schema_version": "1"`, `"schema_version": 1`, false},
		{`"family": "ipv4"`, `"family": "ipv5"`, false},
		{`"family": "ipv4"`, `"family": "ipv4", "family": "ipv6"`, true},
		{`"family": "ipv4"`, `"family": "ipv4", "extra": 1`, false},
		{`"family": "ipv4"`, `"fam\u0069ly": "ipv4"`, true},
		{`"family": "ipv4",`, ``, false},
		{`"address": "127.77.0.10"`, `"address": "1"`, false},
		{`"address": "127.77.0.10"`, `"address": "é1"`, true},
		{`"address": "127.77.0.10"`, `"address": "\u00e9"`, false}, // one character
		{`"address": "127.77.0.10"`, `"address": "\u00e9x"`, true},
		{`"started_at": "`, `"started_at": "x`, false},
		{`"started_at": "2`, `"started_at": "3`, true},
		{`"port": 80`, `"port": 80.0`, true},
		{`"port": 80`, `"port": 6.31e2`, true},
		{`"port": 80`, `"port": 65536`, false},
		{`"port": 80`, `"port": -1`, false},
		{`"port": 80`, `"port": 99999999999999999999`, false},
		{`"port": 80`, `"port": "631"`, false},
		{`"port": 80`, `"port": 0631`, false},
		{`"ports": [`, `"ports": null, "x": [`, false},
	}
	for _, e := range edits {
		if !strings.Contains(string(base), e.old) {
			t.Fatalf("fixture has no %q", e.old)
		}
		doc := []byte(strings.Replace(string(base), e.old, e.new, 1))
		fast := checkAgainstLibrary(t, v, doc)
		lib := v.validateLibrary(doc) == nil
		if lib != e.valid {
			t.Errorf("%q → %q: library says valid=%v, the test expects %v", e.old, e.new, lib, e.valid)
		}
		if !e.valid && fast {
			t.Errorf("%q → %q: quick check accepted an invalid document", e.old, e.new)
		}
	}
	for _, doc := range []string{"", " ", "{", string(base) + "x", string(base) + " {}", "\ufeff" + string(base), "[]", "null"} {
		if checkAgainstLibrary(t, v, []byte(doc)) {
			t.Errorf("%.60q: accepted", doc)
		}
	}
}

// The quick check refuses to compile a schema with a keyword it does not
// know, rather than ignore the keyword.
func TestFastSchemaRefusesUnknownKeywords(t *testing.T) {
	for _, s := range []string{
		`{"type": "object", "oneOf": [{"required": ["a"]}]}`,
		`{"properties": {"a": {"$ref": "#/$defs/b", "type": "string"}}, "$defs": {"b": {}}}`,
		`{"properties": {"a": {"$ref": "#/$defs/missing"}}}`,
		`{"properties": {"a": {"enum": [1, 2]}}}`,
		`{"properties": {"a": {"minimum": 1.5}}}`,
		`{"required": ["a"]}`,
		`{"type": "decimal"}`,
		`{"items": {"uniqueItems": true}}`,
	} {
		if _, err := compileFastSchema([]byte(s)); err == nil {
			t.Errorf("%s: compiled", s)
		}
	}
}

// FuzzFastSchema: whatever the quick check accepts, the library accepts,
// and Validate's verdicts are the library's.
func FuzzFastSchema(f *testing.F) {
	for _, d := range validDocs(f) {
		f.Add(d)
	}
	for _, s := range []string{`{}`, `[]`, `null`, `{"a":1,"a":2}`, "\"\xff\"", `[1,]`, ``} {
		f.Add([]byte(s))
	}
	v := newTestValidator(f)
	f.Fuzz(func(t *testing.T, doc []byte) {
		checkAgainstLibrary(t, v, doc)
	})
}
