// Package jsonany decodes plain JSON into the generic Go values
// encoding/json gives with UseNumber (map[string]any, []any, json.Number,
// string, bool, nil), without reflection, and scans JSON for packages that
// check it without building a value. It says no to anything unusual, and
// the caller then uses encoding/json, which decides and words the errors.
package jsonany

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// Decode decodes doc, one JSON value and optional whitespace, into the
// generic form: map[string]any, []any, json.Number, string, bool and nil,
// equal to what encoding/json with UseNumber gives (as do
// jsonschema.UnmarshalJSON and OPA's util.UnmarshalJSON). ok is false for
// anything that is not plain strict JSON, or nested deeper than MaxDepth;
// the caller then decodes with the library, which gives its own value or
// error.
//
// It exists for speed: the reflective decoder was a sixth of the CPU of
// loading a facts file. FuzzDecode compares the two.
func Decode(doc []byte) (v any, ok bool) {
	d := Scanner{Doc: doc}
	d.Space()
	v, ok = d.value(0)
	if !ok {
		return nil, false
	}
	d.Space()
	return v, d.I == len(doc)
}

// MaxDepth bounds the recursion; deeper documents go to the library.
const MaxDepth = 256

// Scanner reads the JSON text Doc from offset I.
type Scanner struct {
	Doc []byte
	I   int
}

// Space skips whitespace.
func (d *Scanner) Space() {
	for d.I < len(d.Doc) {
		switch d.Doc[d.I] {
		case ' ', '\t', '\n', '\r':
			d.I++
		default:
			return
		}
	}
}

func (d *Scanner) value(depth int) (any, bool) {
	if d.I >= len(d.Doc) || depth > MaxDepth {
		return nil, false
	}
	switch d.Doc[d.I] {
	case '{':
		return d.object(depth)
	case '[':
		return d.array(depth)
	case '"':
		return d.DecodeString()
	case 't':
		return true, d.Literal("true")
	case 'f':
		return false, d.Literal("false")
	case 'n':
		return nil, d.Literal("null")
	}
	return d.number()
}

func (d *Scanner) object(depth int) (any, bool) {
	d.I++
	m := map[string]any{}
	d.Space()
	if d.I < len(d.Doc) && d.Doc[d.I] == '}' {
		d.I++
		return m, true
	}
	for {
		if d.I >= len(d.Doc) || d.Doc[d.I] != '"' {
			return nil, false
		}
		k, ok := d.DecodeString()
		if !ok {
			return nil, false
		}
		d.Space()
		if d.I >= len(d.Doc) || d.Doc[d.I] != ':' {
			return nil, false
		}
		d.I++
		d.Space()
		v, ok := d.value(depth + 1)
		if !ok {
			return nil, false
		}
		m[k] = v // a repeated key keeps its last value, as encoding/json does
		if more, ok := d.Separator('}'); !ok {
			return nil, false
		} else if !more {
			return m, true
		}
	}
}

func (d *Scanner) array(depth int) (any, bool) {
	d.I++
	a := []any{}
	d.Space()
	if d.I < len(d.Doc) && d.Doc[d.I] == ']' {
		d.I++
		return a, true
	}
	for {
		v, ok := d.value(depth + 1)
		if !ok {
			return nil, false
		}
		a = append(a, v)
		if more, ok := d.Separator(']'); !ok {
			return nil, false
		} else if !more {
			return a, true
		}
	}
}

// Separator reads what follows a member or element: a comma (more comes),
// the container's closing byte (it ends), or anything else (not JSON).
func (d *Scanner) Separator(closing byte) (more, ok bool) {
	d.Space()
	if d.I >= len(d.Doc) {
		return false, false
	}
	switch d.Doc[d.I] {
	case ',':
		d.I++
		d.Space()
		return true, true
	case closing:
		d.I++
		return false, true
	}
	return false, false
}

// DecodeString decodes the string at I as encoding/json does. Plain valid UTF-8
// is taken as is; escapes or invalid UTF-8 go through encoding/json, which
// resolves and replaces them its way.
func (d *Scanner) DecodeString() (string, bool) {
	start := d.I
	plain := true
	for i := start + 1; i < len(d.Doc); i++ {
		switch c := d.Doc[i]; {
		case c == '"':
			d.I = i + 1
			raw := d.Doc[start+1 : i]
			if plain && utf8.Valid(raw) {
				return string(raw), true
			}
			var s string
			if json.Unmarshal(d.Doc[start:d.I], &s) != nil {
				return "", false
			}
			return s, true
		case c < 0x20:
			return "", false
		case c == '\\':
			plain = false
			i++ // the escaped byte cannot end the string; json.Unmarshal checks the escape
		}
	}
	return "", false
}

// Literal reads word (true, false, null) at I.
func (d *Scanner) Literal(word string) bool {
	if !bytes.HasPrefix(d.Doc[d.I:], []byte(word)) {
		return false
	}
	d.I += len(word)
	return true
}

// number decodes -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? as the
// json.Number of its text.
func (d *Scanner) number() (any, bool) {
	end, ok := NumberEnd(d.Doc, d.I)
	if !ok {
		return nil, false
	}
	n := json.Number(d.Doc[d.I:end])
	d.I = end
	return n, true
}

// NumberEnd returns where the JSON number starting at i ends.
func NumberEnd(b []byte, i int) (int, bool) {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = skipDigits(b, i)
	default:
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		j := skipDigits(b, i+1)
		if j == i+1 {
			return 0, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := skipDigits(b, i)
		if j == i {
			return 0, false
		}
		i = j
	}
	return i, true
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}
