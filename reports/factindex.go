package reports

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mfpscan/mfpscan/internal/jsonany"
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

// indexFacts maps the pointer of every member and element of doc to the
// line its key (members) or first token (elements) is on. ok is false when
// the table would not match FactLine: a scalar root, a repeated key, too
// deep a nesting, or anything that is not strict JSON up to the end of the
// root (what follows the root is not read, as FactLine does not).
//
// It is a hand-written scanner: encoding/json's Decoder.Token, used before,
// allocated for every token and was a tenth of an eval's CPU. Being
// stricter than the Decoder is safe (the index then falls back to
// FactLine); FuzzIndexFacts checks the tables against the Decoder's.
func indexFacts(doc []byte) (map[string]int, bool) {
	// An indented document has about one member or element per line:
	// sized up front, the table is not rehashed as it grows.
	s := factScanner{doc: doc, line: 1, lines: make(map[string]int, bytes.Count(doc, []byte{'\n'})+1)}
	s.skipSpace()
	if s.i >= len(doc) || (doc[s.i] != '{' && doc[s.i] != '[') {
		return nil, false
	}
	if !s.value(0) {
		return nil, false
	}
	return s.lines, true
}

type factScanner struct {
	doc   []byte
	i     int // next byte
	line  int // line of doc[i]
	lines map[string]int
	// path is the pointer of the value being scanned; members and
	// elements append their token and cut it off after, so only the
	// table's keys are allocated.
	path []byte
}

// skipSpace steps over JSON whitespace, the only place a newline can be.
func (s *factScanner) skipSpace() {
	for ; s.i < len(s.doc); s.i++ {
		switch s.doc[s.i] {
		case '\n':
			s.line++
		case ' ', '\t', '\r':
		default:
			return
		}
	}
}

// next is the byte at i after whitespace, 0 at the end.
func (s *factScanner) next() byte {
	s.skipSpace()
	if s.i >= len(s.doc) {
		return 0
	}
	return s.doc[s.i]
}

// value scans the value at i, recording its members and elements under
// s.path; depth is how many containers enclose it.
func (s *factScanner) value(depth int) bool {
	if s.i >= len(s.doc) {
		return false
	}
	switch s.doc[s.i] {
	case '{':
		return depth < maxIndexDepth && s.object(depth)
	case '[':
		return depth < maxIndexDepth && s.array(depth)
	case '"':
		_, ok := s.str()
		return ok
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	}
	return s.number()
}

func (s *factScanner) object(depth int) bool {
	s.i++
	if s.next() == '}' {
		s.i++
		return true
	}
	parent := len(s.path)
	defer func() { s.path = s.path[:parent] }()
	for {
		if s.next() != '"' {
			return false
		}
		line := s.line
		s.path = append(s.path[:parent], '/')
		var ok bool
		if s.path, ok = s.appendKey(s.path); !ok {
			return false
		}
		if _, dup := s.lines[string(s.path)]; dup {
			return false
		}
		s.lines[string(s.path)] = line
		if s.next() != ':' {
			return false
		}
		s.i++
		s.skipSpace()
		if !s.value(depth + 1) {
			return false
		}
		if more, ok := s.separator('}'); !more {
			return ok
		}
	}
}

func (s *factScanner) array(depth int) bool {
	s.i++
	if s.next() == ']' {
		s.i++
		return true
	}
	parent := len(s.path)
	defer func() { s.path = s.path[:parent] }()
	for n := 0; ; n++ {
		s.skipSpace()
		s.path = strconv.AppendInt(append(s.path[:parent], '/'), int64(n), 10)
		s.lines[string(s.path)] = s.line
		if !s.value(depth + 1) {
			return false
		}
		if more, ok := s.separator(']'); !more {
			return ok
		}
	}
}

// separator scans what follows a member or element: a comma (more comes),
// the container's closing byte (it ends), or anything else (not JSON).
func (s *factScanner) separator(closing byte) (more, ok bool) {
	switch s.next() {
	case ',':
		s.i++
		return true, true
	case closing:
		s.i++
		return false, true
	}
	return false, false
}

// str scans a string at i and returns its raw text between the quotes.
func (s *factScanner) str() ([]byte, bool) {
	start := s.i + 1
	for i := start; i < len(s.doc); i++ {
		switch c := s.doc[i]; {
		case c == '"':
			s.i = i + 1
			return s.doc[start:i], true
		case c < 0x20:
			return nil, false
		case c == '\\':
			if i+1 >= len(s.doc) {
				return nil, false
			}
			switch s.doc[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if i+5 >= len(s.doc) {
					return nil, false
				}
				for _, h := range s.doc[i+2 : i+6] {
					if !isHexDigit(h) {
						return nil, false
					}
				}
				i += 5
			default:
				return nil, false
			}
		}
	}
	return nil, false
}

// appendKey scans a member name and appends it to dst as a pointer token:
// decoded as the Decoder would (escapes resolved, invalid UTF-8 replaced),
// then escaped as RFC 6901 says.
func (s *factScanner) appendKey(dst []byte) ([]byte, bool) {
	start := s.i
	raw, ok := s.str()
	if !ok {
		return dst, false
	}
	if bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		if bytes.IndexByte(raw, '~') < 0 && bytes.IndexByte(raw, '/') < 0 {
			return append(dst, raw...), true
		}
		return append(dst, escapeToken(string(raw))...), true
	}
	var k string
	if err := json.Unmarshal(s.doc[start:s.i], &k); err != nil {
		return dst, false
	}
	return append(dst, escapeToken(k)...), true
}

func (s *factScanner) literal(word string) bool {
	if !bytes.HasPrefix(s.doc[s.i:], []byte(word)) {
		return false
	}
	s.i += len(word)
	return true
}

// number scans a JSON number (jsonany.NumberEnd's grammar); what follows
// it is the caller's to check.
func (s *factScanner) number() bool {
	end, ok := jsonany.NumberEnd(s.doc, s.i)
	if ok {
		s.i = end
	}
	return ok
}
