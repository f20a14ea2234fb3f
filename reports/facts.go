package reports

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/mfpscan/mfpscan/facts"
)

// ErrFactsTooLarge is returned by EncodeFacts for a document whose text
// would be over facts.MaxFileBytes: every reader refuses such a file, so it
// is never written (what is written must read back).
var ErrFactsTooLarge = errors.New("facts document over the size cap")

// EncodeFacts renders a facts document as the text written to its facts
// file: two-space indented JSON with a trailing newline. encoding/json sorts
// map keys, so the same document always yields the same bytes, which keeps
// SARIF line numbers and fingerprints stable between runs.
func EncodeFacts(doc *facts.Device) ([]byte, error) {
	if doc == nil {
		return nil, errors.New("encode facts: nil document")
	}
	b, ok := appendDeviceIndented(nil, doc)
	if !ok {
		compact, err := json.Marshal(doc)
		if err != nil {
			return nil, fmt.Errorf("encode facts for %s: %w", doc.Address, err)
		}
		b = appendIndented(make([]byte, 0, 2*len(compact)+1), compact, "", "  ")
	}
	if len(b)+1 > facts.MaxFileBytes {
		return nil, fmt.Errorf("encode facts for %s: %w: %d bytes, the cap every reader applies is %d", doc.Address, ErrFactsTooLarge, len(b)+1, facts.MaxFileBytes)
	}
	return append(b, '\n'), nil
}

// FactsFileName is the path, relative to the output directory, of a device's
// facts file. The name is an injective encoding of the address, so two
// devices never share a file whatever their address strings hold:
//
//   - digits, lower-case letters, '.', '-' and '%' (an IPv6 zone) stay;
//   - ':' becomes '_' (Windows forbids ':' in file names; IPv6 stays readable);
//   - every other byte, '_' and '~' included, becomes "~XX" (hex), and so do
//     upper-case letters, which case-insensitive file systems would fold;
//   - a name of dots only ("", ".", "..") has its dots escaped too;
//   - a name over 200 bytes keeps its first 150 and ends in "~~" and the
//     SHA-256 of the address ("~~" never occurs otherwise).
//
// Nothing outside that set is ever written, so a hostile address cannot
// escape the facts directory either.
func FactsFileName(address string) string {
	var b strings.Builder
	allDots := strings.Trim(address, ".") == ""
	for i := 0; i < len(address); i++ {
		c := address[i]
		switch {
		case c == '.' && allDots:
			fmt.Fprintf(&b, "~%02x", c)
		case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c == '.', c == '-', c == '%':
			b.WriteByte(c)
		case c == ':':
			b.WriteByte('_')
		default:
			fmt.Fprintf(&b, "~%02x", c)
		}
	}
	name := b.String()
	if name == "" {
		name = "~"
	}
	if len(name) > maxFactsName {
		sum := sha256.Sum256([]byte(address))
		cut := name[:150]
		// Do not leave half an escape before the "~~" marker.
		if i := strings.LastIndexByte(cut, '~'); i >= len(cut)-2 {
			cut = cut[:i]
		}
		name = cut + "~~" + hex.EncodeToString(sum[:])
	}
	return "facts/" + name + ".json"
}

// maxFactsName keeps facts file names well under the 255-byte limit of
// common file systems.
const maxFactsName = 200

// parsePointer splits an RFC 6901 JSON Pointer into its unescaped reference
// tokens. ok is false for a pointer that does not start with '/'.
func parsePointer(p string) (tokens []string, ok bool) {
	if p == "" {
		return nil, true
	}
	if p[0] != '/' {
		return nil, false
	}
	parts := strings.Split(p[1:], "/")
	for i, s := range parts {
		// Order matters (RFC 6901 §4): "~01" must decode to "~1", not "/".
		s = strings.ReplaceAll(s, "~1", "/")
		parts[i] = strings.ReplaceAll(s, "~0", "~")
	}
	return parts, true
}

// lineCounter turns increasing byte offsets into 1-based line numbers without
// rescanning the text from the start each time.
type lineCounter struct {
	doc  []byte
	off  int
	line int
}

func (c *lineCounter) lineAt(off int) int {
	if off > len(c.doc) {
		off = len(c.doc)
	}
	if off > c.off {
		c.line += bytes.Count(c.doc[c.off:off], []byte{'\n'})
		c.off = off
	}
	return c.line
}

// factFrame is one open object or array on the way down the document.
type factFrame struct {
	array     bool
	index     int
	expectKey bool
	// matched: the path to this container equals the pointer's prefix.
	matched bool
}

// FactLine returns the 1-based line of doc (JSON text) on which the value
// named by the JSON Pointer starts; for an object member that is the line of
// its key. When the exact path is absent it returns the line of the nearest
// ancestor that exists, and 1 when nothing matches or doc is not valid JSON.
// It streams tokens, so it works on any JSON layout, never panics, and stops
// as soon as the pointer's subtree has been left.
func FactLine(doc []byte, pointer string) int {
	want, ok := parsePointer(pointer)
	if !ok || len(want) == 0 {
		return 1
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	lines := &lineCounter{doc: doc, line: 1}
	best := 1
	var stack []factFrame
	pending := false // the member whose key was just read matches the pointer
	for {
		tok, err := dec.Token()
		if err != nil {
			return best
		}
		// The decoder's offset is the end of the token just read; its last
		// byte sits on the token's own line (JSON strings hold no newlines).
		line := lines.lineAt(int(dec.InputOffset()) - 1)
		depth := len(stack)
		if d, isDelim := tok.(json.Delim); isDelim && (d == '}' || d == ']') {
			if depth == 0 {
				return best
			}
			if stack[depth-1].matched {
				// Left the subtree the pointer lives in without finding it.
				return best
			}
			stack = stack[:depth-1]
			continue
		}
		if depth > 0 && stack[depth-1].expectKey {
			key, _ := tok.(string)
			top := &stack[depth-1]
			top.expectKey = false
			pending = top.matched && depth <= len(want) && key == want[depth-1]
			if pending {
				if depth == len(want) {
					return line
				}
				best = line
			}
			continue
		}
		// tok starts a value: the root, an array element or a member value.
		matched := depth == 0
		if depth > 0 {
			top := &stack[depth-1]
			if top.array {
				seg := strconv.Itoa(top.index)
				top.index++
				matched = top.matched && depth <= len(want) && seg == want[depth-1]
				if matched {
					if depth == len(want) {
						return line
					}
					best = line
				}
			} else {
				matched = pending
				top.expectKey = true
			}
		}
		if d, isDelim := tok.(json.Delim); isDelim {
			stack = append(stack, factFrame{array: d == '[', expectKey: d == '{', matched: matched})
		}
	}
}

// AddressOfFactsFile returns the address whose facts file has the base
// name name (the inverse of FactsFileName), or "" for a name FactsFileName
// does not make or that lost part of the address to hashing.
func AddressOfFactsFile(name string) string {
	name, ok := strings.CutSuffix(name, ".json")
	if !ok || strings.Contains(name, "~~") {
		return ""
	}
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		switch c := name[i]; c {
		case '_':
			b.WriteByte(':')
		case '~':
			if i+2 >= len(name) {
				return ""
			}
			v, err := strconv.ParseUint(name[i+1:i+3], 16, 8)
			if err != nil {
				return ""
			}
			b.WriteByte(byte(v))
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
