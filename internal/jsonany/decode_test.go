package jsonany

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/util"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

var decodeSeeds = []string{
	`{}`, `[]`, `null`, `true`, `"s"`, `-0.5e+7`, ` {"a" : [1, 2.5, -3e2, "x", null, true, false, {}, []]} `,
	`{"a":1,"a":2}`, `{"\u0061":1}`, `"\ud800"`, `"\ud83d\ude00"`, "\"\xff\xfe\"", `"a\/b\"c\\d\n"`,
	`[1,]`, `{"a":1,}`, `[01]`, `[1.]`, `[1e]`, `[-]`, `[tru]`, `"\x"`, `"\u12"`, "\"a\tb\"", `{"a" 1}`, `[1 2]`,
	`[1] 2`, `[1]   `, ``, `   `, strings.Repeat("[", 300) + strings.Repeat("]", 300),
}

// FuzzDecode: whatever Decode accepts, the libraries (the schema
// validator's and OPA's) decode to the same value.
func FuzzDecode(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	files, _ := filepath.Glob("../../testdata/reports/facts-*.json")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		got, ok := Decode(doc)
		if !ok {
			return
		}
		want, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
		if err != nil {
			t.Fatalf("Decode accepted %q, the library refuses it: %v", doc, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\n got  %#v\n want %#v", doc, got, want)
		}
		var opa any
		if err := util.UnmarshalJSON(doc, &opa); err != nil {
			t.Fatalf("Decode accepted %q, OPA refuses it: %v", doc, err)
		}
		if !reflect.DeepEqual(got, opa) {
			t.Fatalf("%q:\n got  %#v\n OPA  %#v", doc, got, opa)
		}
	})
}

func TestDecodeAgreesOnSeeds(t *testing.T) {
	accepted := 0
	for _, s := range decodeSeeds {
		got, ok := Decode([]byte(s))
		want, err := jsonschema.UnmarshalJSON(strings.NewReader(s))
		switch {
		case ok && err != nil:
			t.Errorf("%q: accepted, the library refuses it: %v", s, err)
		case ok && !reflect.DeepEqual(got, want):
			t.Errorf("%q: got %#v, want %#v", s, got, want)
		case ok:
			accepted++
		}
	}
	// Plain documents take the fast path; the odd ones go to the library.
	if accepted < 12 {
		t.Errorf("only %d of %d seeds decoded by Decode", accepted, len(decodeSeeds))
	}
	for _, s := range []string{`[1,]`, `[01]`, `[1] 2`, strings.Repeat("[", 300) + strings.Repeat("]", 300)} {
		if _, ok := Decode([]byte(s)); ok {
			t.Errorf("%q accepted", s)
		}
	}
}
