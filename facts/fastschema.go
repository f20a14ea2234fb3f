package facts

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// fastSchema is a quick check of a facts document that can only say "valid
// for sure". It reads the encoded bytes once, without building a value, and
// understands the few keywords the facts schema uses (type, const and enum
// of strings, properties, required, additionalProperties, items, integer
// minimum and maximum, minLength, and $ref to $defs); pattern and format are
// asked of the library itself, one small schema each. Whenever it is not
// sure (an escape in a string it must compare, a number that is not a plain
// integer where one is wanted, a constraint broken, odd JSON) it says no,
// and the library validates the document as before, so verdicts and error
// messages are the library's. Its rule: whatever it accepts, the library
// accepts (FuzzFastSchema).
//
// It exists for speed: the library's generic walk over the decoded document
// was a fifth of the CPU of an eval.
type fastSchema struct {
	root *fastNode
}

// fastNode is one schema object. A node that is only a $ref is resolved to
// its target when the schema is compiled.
type fastNode struct {
	types      fastTypes // 0: any
	enum       []string  // const or enum of strings; nil: no constraint
	minLength  int       // -1: none
	minimum    *int64
	maximum    *int64
	library    *jsonschema.Schema // pattern, format: the library checks the string
	props      map[string]fastProp
	required   uint64    // bits of props that are required
	addFalse   bool      // additionalProperties: false
	additional *fastNode // additionalProperties schema; nil: any value
	items      *fastNode // nil: any element
	ref        string    // while compiling
}

type fastProp struct {
	node *fastNode
	bit  uint64 // 0 unless required
}

type fastTypes uint8

const (
	typeNull fastTypes = 1 << iota
	typeBool
	typeInteger // a plain integer; other numbers are only "number"
	typeNumber
	typeString
	typeArray
	typeObject
)

var fastTypeNames = map[string]fastTypes{
	"null": typeNull, "boolean": typeBool, "integer": typeInteger, "number": typeNumber | typeInteger,
	"string": typeString, "array": typeArray, "object": typeObject,
}

// annotations are keywords that never change a verdict.
var annotations = map[string]bool{"$schema": true, "$id": true, "$comment": true, "title": true, "description": true}

// compileFastSchema builds the quick check for schema; an error means the
// schema uses something it does not understand, and there is no quick check.
func compileFastSchema(schema []byte) (*fastSchema, error) {
	var doc map[string]any
	if err := json.Unmarshal(schema, &doc); err != nil {
		return nil, fmt.Errorf("parse schema: %w", err)
	}
	defs := map[string]*fastNode{}
	if raw, ok := doc["$defs"].(map[string]any); ok {
		for name := range raw {
			defs[name] = &fastNode{}
		}
		for name, s := range raw {
			if err := compileFastNode(defs[name], s); err != nil {
				return nil, fmt.Errorf("$defs/%s: %w", name, err)
			}
		}
	}
	root := &fastNode{}
	rootDoc := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "$defs" {
			rootDoc[k] = v
		}
	}
	if err := compileFastNode(root, rootDoc); err != nil {
		return nil, err
	}
	var resolve func(n *fastNode, seen map[*fastNode]bool) error
	resolve = func(n *fastNode, seen map[*fastNode]bool) error {
		if n == nil || seen[n] {
			return nil
		}
		seen[n] = true
		fix := func(p **fastNode) error {
			if *p == nil || (*p).ref == "" {
				return resolve(*p, seen)
			}
			name, ok := strings.CutPrefix((*p).ref, "#/$defs/")
			if !ok || defs[name] == nil || strings.ContainsAny(name, "/~%") {
				return fmt.Errorf("$ref %q not understood", (*p).ref)
			}
			*p = defs[name]
			return resolve(*p, seen)
		}
		for k, p := range n.props {
			if err := fix(&p.node); err != nil {
				return err
			}
			n.props[k] = p
		}
		if err := fix(&n.additional); err != nil {
			return err
		}
		return fix(&n.items)
	}
	seen := map[*fastNode]bool{}
	for name, n := range defs {
		if n.ref != "" {
			return nil, fmt.Errorf("$defs/%s: a $ref to a $ref is not understood", name)
		}
		if err := resolve(n, seen); err != nil {
			return nil, err
		}
	}
	if root.ref != "" {
		return nil, fmt.Errorf("a root $ref is not understood")
	}
	if err := resolve(root, seen); err != nil {
		return nil, err
	}
	return &fastSchema{root: root}, nil
}

// compileFastNode fills n from the schema object s.
func compileFastNode(n *fastNode, s any) error {
	m, ok := s.(map[string]any)
	if !ok {
		return fmt.Errorf("schema %v not understood", s)
	}
	n.minLength = -1
	if ref, ok := m["$ref"].(string); ok {
		for k := range m {
			if k != "$ref" && !annotations[k] {
				return fmt.Errorf("$ref beside %s not understood", k)
			}
		}
		n.ref = ref
		return nil
	}
	var libraryPart map[string]any
	for k, v := range m {
		var err error
		switch k {
		case "type":
			err = n.compileType(v)
		case "const":
			err = n.compileEnum([]any{v})
		case "enum":
			vals, _ := v.([]any)
			err = n.compileEnum(vals)
		case "minLength":
			var i int64
			if i, err = schemaInt(v); err == nil {
				n.minLength = int(i)
			}
		case "minimum":
			var i int64
			if i, err = schemaInt(v); err == nil {
				n.minimum = &i
			}
		case "maximum":
			var i int64
			if i, err = schemaInt(v); err == nil {
				n.maximum = &i
			}
		case "pattern", "format":
			if libraryPart == nil {
				libraryPart = map[string]any{"$schema": "https://json-schema.org/draft/2020-12/schema"}
			}
			libraryPart[k] = v
		case "properties", "required", "additionalProperties", "items":
			// below, once properties are known
		default:
			if !annotations[k] {
				return fmt.Errorf("keyword %s not understood", k)
			}
		}
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	if err := n.compileObject(m); err != nil {
		return err
	}
	if items, ok := m["items"]; ok {
		n.items = &fastNode{}
		if err := compileFastNode(n.items, items); err != nil {
			return fmt.Errorf("items: %w", err)
		}
	}
	if libraryPart != nil {
		s, err := compileLibraryPart(libraryPart)
		if err != nil {
			return err
		}
		n.library = s
	}
	return nil
}

func (n *fastNode) compileType(v any) error {
	names, ok := v.([]any)
	if !ok {
		names = []any{v}
	}
	for _, x := range names {
		name, _ := x.(string)
		t, ok := fastTypeNames[name]
		if !ok {
			return fmt.Errorf("type %v not understood", x)
		}
		n.types |= t
	}
	if n.types == 0 {
		return fmt.Errorf("empty type list not understood")
	}
	return nil
}

func (n *fastNode) compileEnum(vals []any) error {
	if len(vals) == 0 {
		return fmt.Errorf("empty enum not understood")
	}
	for _, v := range vals {
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("value %v not understood (strings only)", v)
		}
		n.enum = append(n.enum, s)
	}
	return nil
}

func (n *fastNode) compileObject(m map[string]any) error {
	if props, ok := m["properties"].(map[string]any); ok {
		n.props = make(map[string]fastProp, len(props))
		for name, s := range props {
			p := &fastNode{}
			if err := compileFastNode(p, s); err != nil {
				return fmt.Errorf("properties/%s: %w", name, err)
			}
			n.props[name] = fastProp{node: p}
		}
	} else if _, ok := m["properties"]; ok {
		return fmt.Errorf("properties not understood")
	}
	if req, ok := m["required"]; ok {
		names, _ := req.([]any)
		for i, x := range names {
			name, _ := x.(string)
			p, ok := n.props[name]
			if !ok || i >= 64 || p.bit != 0 {
				return fmt.Errorf("required %v not understood", x)
			}
			p.bit = 1 << i
			n.props[name] = p
			n.required |= p.bit
		}
	}
	switch ap := m["additionalProperties"].(type) {
	case nil:
		if _, ok := m["additionalProperties"]; ok {
			return fmt.Errorf("additionalProperties null not understood")
		}
	case bool:
		n.addFalse = !ap
	default:
		n.additional = &fastNode{}
		if err := compileFastNode(n.additional, ap); err != nil {
			return fmt.Errorf("additionalProperties: %w", err)
		}
	}
	return nil
}

func schemaInt(v any) (int64, error) {
	f, ok := v.(float64)
	if !ok || f != float64(int64(f)) {
		return 0, fmt.Errorf("%v not understood (integers only)", v)
	}
	return int64(f), nil
}

// compileLibraryPart compiles the keywords the library checks on a string
// for the quick check, with the facts schema's settings (formats asserted).
func compileLibraryPart(part map[string]any) (*jsonschema.Schema, error) {
	const url = "https://mfpscan.invalid/schema/fast-part.json"
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(url, part); err != nil {
		return nil, fmt.Errorf("load %v: %w", part, err)
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("compile %v: %w", part, err)
	}
	return s, nil
}
