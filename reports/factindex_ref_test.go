package reports

import (
	"bytes"
	"encoding/json"
	"maps"
	"strconv"
	"strings"
	"testing"
)

type indexFrame struct {
	path      string
	array     bool
	index     int
	expectKey bool
}

// indexFactsByTokens is the encoding/json Decoder.Token version of
// indexFacts it replaced, kept as the reference its tables are compared
// with.
func indexFactsByTokens(doc []byte) (map[string]int, bool) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	counter := &lineCounter{doc: doc, line: 1}
	lines := make(map[string]int, 256)
	var stack []indexFrame
	member := "" // pointer of the member whose key was just read
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		line := counter.lineAt(int(dec.InputOffset()) - 1)
		depth := len(stack)
		d, isDelim := tok.(json.Delim)
		if isDelim && (d == '}' || d == ']') {
			stack = stack[:depth-1]
			if depth == 1 {
				// FactLine never reads past the end of the root.
				return lines, true
			}
			continue
		}
		if depth > 0 && stack[depth-1].expectKey {
			key, _ := tok.(string)
			top := &stack[depth-1]
			top.expectKey = false
			member = top.path + "/" + escapeToken(key)
			if _, dup := lines[member]; dup {
				return nil, false
			}
			lines[member] = line
			continue
		}
		path := ""
		switch {
		case depth == 0:
			if !isDelim {
				return nil, false
			}
		case stack[depth-1].array:
			top := &stack[depth-1]
			path = top.path + "/" + strconv.Itoa(top.index)
			top.index++
			lines[path] = line
		default:
			path = member
			stack[depth-1].expectKey = true
		}
		if isDelim {
			if depth >= maxIndexDepth {
				return nil, false
			}
			stack = append(stack, indexFrame{path: path, array: d == '[', expectKey: d == '{'})
		}
	}
}

// FuzzIndexFacts: wherever the scanner builds a table, the Decoder-based
// version builds the same one (the scanner may refuse more: the index then
// falls back to FactLine, which FuzzFactIndex covers).
func FuzzIndexFacts(f *testing.F) {
	addGoldenFactsSeeds(f, "", "")
	for _, s := range []string{
		"{\n\"a\": 1,\n\"a\": {\n\"b\": 2}}", "[1,]", "{\"a\":1,}", "[01]", "[1.]", "[1e]", "[-]", "[tru]",
		"{\"\\u0061\": 1, \"a\": 2}", "{\"a\\/b\": [1, {\"~\": 2}]}", "{\"\xff\": 1}", "[\"\\ud800\"]",
		"[1] trailing", " \r\n\t[\n\n1\n,\n2]", strings.Repeat("[", 64) + strings.Repeat("]", 64),
		strings.Repeat("[", 65) + strings.Repeat("]", 65), "[\"a\tb\"]", "{\"a\" : -0.5e+7, \"b\": [true, false, null]}",
	} {
		f.Add([]byte(s), "")
	}
	f.Fuzz(func(t *testing.T, doc []byte, _ string) {
		got, ok := indexFacts(doc)
		if !ok {
			return
		}
		want, wantOK := indexFactsByTokens(doc)
		if !wantOK {
			t.Fatalf("scanner indexed a document the Decoder refuses: %q", doc)
		}
		if !maps.Equal(got, want) {
			t.Fatalf("tables differ for %q:\n got  %v\n want %v", doc, got, want)
		}
	})
}

// TestIndexFactsStrict: what the scanner refuses.
func TestIndexFactsStrict(t *testing.T) {
	for _, doc := range []string{"", "1", "\"a\"", "[1,]", "{\"a\":1,}", "[01]", "[1.]", "[1e]", "[-]", "[tru]", "[\"\\x\"]",
		"[\"\\u12\"]", "[\"a\tb\"]", "{\"a\" 1}", "{1: 2}", "[1 2]", "{\"a\":1,\"a\":2}",
		strings.Repeat("[", 65) + strings.Repeat("]", 65)} {
		if _, ok := indexFacts([]byte(doc)); ok {
			t.Errorf("indexFacts(%q) built a table", doc)
		}
	}
	for _, doc := range []string{"[1] trailing", "{}", "[]", strings.Repeat("[", 64) + strings.Repeat("]", 64)} {
		if _, ok := indexFacts([]byte(doc)); !ok {
			t.Errorf("indexFacts(%q) refused", doc)
		}
	}
}
