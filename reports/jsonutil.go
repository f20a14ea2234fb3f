package reports

import (
	"bytes"
	"encoding/json"

	"github.com/mfpscan/mfpscan/policies"
)

// jsonIndent encodes v with two-space indent and a trailing newline.
func jsonIndent(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// marshalIndent encodes v as json.MarshalIndent(v, prefix, "  ") would at a
// place in a document whose lines start with prefix. The indenting is
// appendIndented's: encoding/json's general indenter re-scans the text byte
// by byte and was most of the cost of the facts and findings encodings.
func marshalIndent(v any, prefix string) ([]byte, error) {
	b, err := appendCompact(nil, v)
	if err != nil {
		return nil, err
	}
	return appendIndented(make([]byte, 0, 2*len(b)), b, prefix, "  "), nil
}

// appendCompact appends json.Marshal(v): by hand for the elements written
// once per result (see jsonappend.go), else by encoding/json.
func appendCompact(dst []byte, v any) ([]byte, error) {
	var (
		b  []byte
		ok bool
	)
	switch x := v.(type) {
	case *policies.Result:
		b, ok = appendResult(dst, x)
	case *sarifResult:
		b, ok = appendSARIFResult(dst, x)
	}
	if ok {
		return b, nil
	}
	m, err := json.Marshal(v)
	if err != nil {
		return dst, err
	}
	return append(dst, m...), nil
}

// appendIndented appends src, the compact text json.Marshal produces (no
// whitespace outside strings), indented as json.Indent would: each element
// and member on its own line starting with prefix and one indent per
// level, ": " after keys, empty objects and arrays kept as {} and [].
func appendIndented(dst, src []byte, prefix, indent string) []byte {
	depth := 0
	newline := func(dst []byte, depth int) []byte {
		dst = append(dst, '\n')
		dst = append(dst, prefix...)
		for range depth {
			dst = append(dst, indent...)
		}
		return dst
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '"':
			// Copy the string whole: a quote inside is always escaped,
			// and the escaping backslash is itself never escaped-away.
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			end := min(j+1, len(src))
			dst = append(dst, src[i:end]...)
			i = end - 1
		case '{', '[':
			dst = append(dst, c)
			if i+1 < len(src) && (src[i+1] == '}' || src[i+1] == ']') {
				dst = append(dst, src[i+1])
				i++
				continue
			}
			depth++
			dst = newline(dst, depth)
		case '}', ']':
			depth--
			dst = newline(dst, depth)
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			dst = newline(dst, depth)
		case ':':
			dst = append(dst, ':', ' ')
		default:
			// Numbers and literals up to the next structural byte.
			j := i + 1
			for j < len(src) && !structural(src[j]) {
				j++
			}
			dst = append(dst, src[i:j]...)
			i = j - 1
		}
	}
	return dst
}

func structural(c byte) bool {
	switch c {
	case '"', '{', '}', '[', ']', ',', ':':
		return true
	}
	return false
}
