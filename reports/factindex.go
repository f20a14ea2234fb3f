package reports

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// FactIndex answers FactLine for one facts document without re-reading it:
// one tokenising pass records the line of every member and element, keyed
// by its canonical JSON Pointer. SARIF asks for one line per finding, and a
// device can have dozens of findings; scanning the document once per finding
// was half the CPU of a large eval.
//
// The index is exact only for the documents facts files hold: one JSON
// object or array, valid, without a repeated key in any object and not
// nested deeper than maxIndexDepth. For anything else (FactLine's
// first-match and error rules differ there from a table lookup) it keeps the
// text and answers with FactLine itself, so Line always equals FactLine.
type FactIndex struct {
	lines map[string]int
	// fallback is the document when the table cannot be trusted.
	fallback []byte
}

// maxIndexDepth bounds the pointer strings the index builds: deeper input
// goes to FactLine, whose memory does not grow with the key paths.
const maxIndexDepth = 64

// NewFactIndex tokenises doc once.
func NewFactIndex(doc []byte) *FactIndex {
	lines, ok := indexFacts(doc)
	if !ok {
		return &FactIndex{fallback: doc}
	}
	return &FactIndex{lines: lines}
}

// Line is FactLine(doc, pointer) for the document the index was built from.
func (x *FactIndex) Line(pointer string) int {
	if x.lines == nil {
		return FactLine(x.fallback, pointer)
	}
	want, ok := parsePointer(pointer)
	if !ok || len(want) == 0 {
		return 1
	}
	// The nearest ancestor that exists, as FactLine does when the exact
	// path is absent.
	var b strings.Builder
	best := 1
	for _, tok := range want {
		b.WriteByte('/')
		b.WriteString(escapeToken(tok))
		line, found := x.lines[b.String()]
		if !found {
			break
		}
		best = line
	}
	return best
}

// escapeToken is the RFC 6901 escaping of one reference token, so the
// index keys are canonical whatever escapes a pointer used.
func escapeToken(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

type indexFrame struct {
	path      string
	array     bool
	index     int
	expectKey bool
}

// indexFacts maps the pointer of every member and element of doc to the
// line its key (members) or first token (elements) is on. ok is false when
// the table would not match FactLine: invalid JSON, a scalar root, a
// repeated key or too deep a nesting.
func indexFacts(doc []byte) (map[string]int, bool) {
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
