package facts

import (
	"bytes"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/mfpscan/mfpscan/internal/jsonany"
)

// The quick check itself (see fastSchema): one pass over the encoded
// document, saying no at the first thing it is not sure of.

// valid reports whether doc is, for sure, valid against the schema.
func (f *fastSchema) valid(doc []byte) bool {
	c := fastChecker{Scanner: jsonany.Scanner{Doc: doc}}
	c.Space()
	if !c.value(f.root, 0) {
		return false
	}
	c.Space()
	return c.I == len(doc)
}

type fastChecker struct {
	jsonany.Scanner
}

func (c *fastChecker) value(n *fastNode, depth int) bool {
	if c.I >= len(c.Doc) || depth > jsonany.MaxDepth {
		return false
	}
	switch c.Doc[c.I] {
	case '{':
		return n.allows(typeObject) && c.object(n, depth)
	case '[':
		return n.allows(typeArray) && c.array(n, depth)
	case '"':
		raw, plain, ok := c.rawString()
		return ok && n.allows(typeString) && n.stringOK(raw, plain)
	case 't':
		return n.allows(typeBool) && n.enum == nil && c.Literal("true")
	case 'f':
		return n.allows(typeBool) && n.enum == nil && c.Literal("false")
	case 'n':
		return n.allows(typeNull) && n.enum == nil && c.Literal("null")
	}
	return c.number(n)
}

func (n *fastNode) allows(t fastTypes) bool { return n.types == 0 || n.types&t != 0 }

func (c *fastChecker) object(n *fastNode, depth int) bool {
	c.I++
	if n.enum != nil {
		return false
	}
	var seen uint64
	c.Space()
	if c.I < len(c.Doc) && c.Doc[c.I] == '}' {
		c.I++
		return n.required == 0
	}
	for {
		if c.I >= len(c.Doc) || c.Doc[c.I] != '"' {
			return false
		}
		key, plain, ok := c.rawString()
		if !ok || !plain || !utf8.Valid(key) {
			return false
		}
		c.Space()
		if c.I >= len(c.Doc) || c.Doc[c.I] != ':' {
			return false
		}
		c.I++
		c.Space()
		var sub *fastNode
		if p, ok := n.props[string(key)]; ok {
			sub = p.node
			seen |= p.bit
		} else if n.addFalse {
			return false
		} else {
			sub = n.additional
		}
		if !c.value(orAny(sub), depth+1) {
			return false
		}
		if more, ok := c.Separator('}'); !ok {
			return false
		} else if !more {
			return seen == n.required
		}
	}
}

var anyNode = &fastNode{minLength: -1}

func orAny(n *fastNode) *fastNode {
	if n == nil {
		return anyNode
	}
	return n
}

func (c *fastChecker) array(n *fastNode, depth int) bool {
	c.I++
	if n.enum != nil {
		return false
	}
	c.Space()
	if c.I < len(c.Doc) && c.Doc[c.I] == ']' {
		c.I++
		return true
	}
	items := orAny(n.items)
	for {
		if !c.value(items, depth+1) {
			return false
		}
		if more, ok := c.Separator(']'); !ok {
			return false
		} else if !more {
			return true
		}
	}
}

// rawString scans the JSON string at i and returns its bytes between the
// quotes; plain means it has no escape (so, when valid UTF-8, the bytes are
// the decoded string).
func (c *fastChecker) rawString() (raw []byte, plain, ok bool) {
	start := c.I + 1
	plain = true
	for i := start; i < len(c.Doc); i++ {
		switch b := c.Doc[i]; {
		case b == '"':
			c.I = i + 1
			return c.Doc[start:i], plain, true
		case b < 0x20:
			return nil, false, false
		case b == '\\':
			plain = false
			if i+1 >= len(c.Doc) {
				return nil, false, false
			}
			switch c.Doc[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if i+5 >= len(c.Doc) || !isHex4(c.Doc[i+2:i+6]) {
					return nil, false, false
				}
				i += 5
			default:
				return nil, false, false
			}
		}
	}
	return nil, false, false
}

func isHex4(b []byte) bool {
	for _, x := range b {
		if !('0' <= x && x <= '9' || 'a' <= x && x <= 'f' || 'A' <= x && x <= 'F') {
			return false
		}
	}
	return true
}

// stringOK checks a string's constraints; any constraint on a string with
// an escape or invalid UTF-8 (whose decoded text differs from its bytes)
// is left to the library.
func (n *fastNode) stringOK(raw []byte, plain bool) bool {
	if n.enum == nil && n.minLength < 0 && n.library == nil {
		return true
	}
	if !plain || !utf8.Valid(raw) {
		return false
	}
	if n.enum != nil && !slices.Contains(n.enum, string(raw)) {
		return false
	}
	if n.minLength >= 0 && utf8.RuneCount(raw) < n.minLength {
		return false
	}
	return n.library == nil || n.library.Validate(string(raw)) == nil
}

// number checks the JSON number at i: a plain integer (-?(0|[1-9][0-9]*))
// where integers are allowed, within the bounds; any other number only
// where the schema allows numbers and sets no bound.
func (c *fastChecker) number(n *fastNode) bool {
	end, ok := jsonany.NumberEnd(c.Doc, c.I)
	if !ok {
		return false
	}
	text := c.Doc[c.I:end]
	c.I = end
	integer := !bytes.ContainsAny(text, ".eE")
	if n.enum != nil {
		return false
	}
	if !integer {
		return n.allows(typeNumber) && n.minimum == nil && n.maximum == nil
	}
	if !n.allows(typeInteger) {
		return false
	}
	if n.minimum == nil && n.maximum == nil {
		return true
	}
	v, err := strconv.ParseInt(string(text), 10, 64)
	if err != nil {
		return false
	}
	return (n.minimum == nil || v >= *n.minimum) && (n.maximum == nil || v <= *n.maximum)
}
