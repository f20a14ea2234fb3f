package facts

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// decodeAny decodes doc, one JSON value and optional whitespace, into the
// generic form the schema validator works on: map[string]any, []any,
// json.Number, string, bool and nil, equal to what jsonschema.UnmarshalJSON
// (encoding/json with UseNumber) gives. ok is false for anything that is
// not plain strict JSON, or nested deeper than maxDecodeDepth; the caller
// then decodes with the library, which gives its own value or error.
//
// It exists for speed: the library's reflective decoder was a sixth of
// the CPU of loading a facts file. FuzzDecodeAny compares the two.
func decodeAny(doc []byte) (v any, ok bool) {
	d := anyDecoder{doc: doc}
	d.space()
	v, ok = d.value(0)
	if !ok {
		return nil, false
	}
	d.space()
	return v, d.i == len(doc)
}

// maxDecodeDepth bounds the recursion; deeper documents go to the library.
const maxDecodeDepth = 256

type anyDecoder struct {
	doc []byte
	i   int
}

func (d *anyDecoder) space() {
	for d.i < len(d.doc) {
		switch d.doc[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *anyDecoder) value(depth int) (any, bool) {
	if d.i >= len(d.doc) || depth > maxDecodeDepth {
		return nil, false
	}
	switch d.doc[d.i] {
	case '{':
		return d.object(depth)
	case '[':
		return d.array(depth)
	case '"':
		return d.str()
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	case 'n':
		return nil, d.literal("null")
	}
	return d.number()
}

func (d *anyDecoder) object(depth int) (any, bool) {
	d.i++
	m := map[string]any{}
	d.space()
	if d.i < len(d.doc) && d.doc[d.i] == '}' {
		d.i++
		return m, true
	}
	for {
		if d.i >= len(d.doc) || d.doc[d.i] != '"' {
			return nil, false
		}
		k, ok := d.str()
		if !ok {
			return nil, false
		}
		d.space()
		if d.i >= len(d.doc) || d.doc[d.i] != ':' {
			return nil, false
		}
		d.i++
		d.space()
		v, ok := d.value(depth + 1)
		if !ok {
			return nil, false
		}
		m[k] = v // a repeated key keeps its last value, as encoding/json does
		if more, ok := d.separator('}'); !ok {
			return nil, false
		} else if !more {
			return m, true
		}
	}
}

func (d *anyDecoder) array(depth int) (any, bool) {
	d.i++
	a := []any{}
	d.space()
	if d.i < len(d.doc) && d.doc[d.i] == ']' {
		d.i++
		return a, true
	}
	for {
		v, ok := d.value(depth + 1)
		if !ok {
			return nil, false
		}
		a = append(a, v)
		if more, ok := d.separator(']'); !ok {
			return nil, false
		} else if !more {
			return a, true
		}
	}
}

// separator reads what follows a member or element: a comma (more comes),
// the container's closing byte (it ends), or anything else (not JSON).
func (d *anyDecoder) separator(closing byte) (more, ok bool) {
	d.space()
	if d.i >= len(d.doc) {
		return false, false
	}
	switch d.doc[d.i] {
	case ',':
		d.i++
		d.space()
		return true, true
	case closing:
		d.i++
		return false, true
	}
	return false, false
}

// str decodes the string at i. Plain valid UTF-8 is taken as is; escapes
// or invalid UTF-8 go through encoding/json, which resolves and replaces
// them its way.
func (d *anyDecoder) str() (string, bool) {
	start := d.i
	plain := true
	for i := start + 1; i < len(d.doc); i++ {
		switch c := d.doc[i]; {
		case c == '"':
			d.i = i + 1
			raw := d.doc[start+1 : i]
			if plain && utf8.Valid(raw) {
				return string(raw), true
			}
			var s string
			if json.Unmarshal(d.doc[start:d.i], &s) != nil {
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

func (d *anyDecoder) literal(word string) bool {
	if !bytes.HasPrefix(d.doc[d.i:], []byte(word)) {
		return false
	}
	d.i += len(word)
	return true
}

// number decodes -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? as the
// json.Number of its text.
func (d *anyDecoder) number() (any, bool) {
	end, ok := numberEnd(d.doc, d.i)
	if !ok {
		return nil, false
	}
	n := json.Number(d.doc[d.i:end])
	d.i = end
	return n, true
}

// numberEnd returns where the JSON number starting at i ends.
func numberEnd(b []byte, i int) (int, bool) {
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
