package facts

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"sync"
	"time"

	"github.com/mfpscan/mfpscan/internal/jsonany"
	"github.com/mfpscan/mfpscan/internal/jsonplan"
)

// DecodeDevice decodes a facts document into a Device as json.Unmarshal
// does, with the same result and the same errors.
//
// It exists for speed: json.Unmarshal checks the whole text, then steps a
// generic scanner byte by byte, and that was the biggest part of loading a
// facts file once schema validation was quick. The plain documents
// mfpscan writes are decoded here in one pass over the text, by a plan of
// the facts types made once; anything unusual (an unknown or repeated key,
// a number that is not a plain integer, a value of the wrong kind, odd
// JSON) is handed to json.Unmarshal, which decides and words the errors.
// FuzzDecodeDevice compares the two.
func DecodeDevice(doc []byte) (*Device, error) {
	if d, ok := quickDecodeDevice(doc); ok {
		return d, nil
	}
	var d Device
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// quickDecodeDevice is DecodeDevice's own decoding; false leaves doc to
// encoding/json.
func quickDecodeDevice(doc []byte) (*Device, bool) {
	plan, err := devicePlan()
	if err != nil {
		return nil, false
	}
	var d Device
	s := jsonany.Scanner{Doc: doc}
	s.Space()
	if !decodeValue(&s, plan, reflect.ValueOf(&d).Elem(), 0) {
		return nil, false
	}
	s.Space()
	return &d, s.I == len(doc)
}

// codec is how one Go type is decoded.
type codec struct {
	kind   jsonplan.Kind
	typ    reflect.Type
	elem   *codec                // pointer, slice element, map value
	fields map[string]codecField // struct members by JSON name
}

type codecField struct {
	index int
	codec *codec
	bit   uint64
}

var devicePlan = sync.OnceValues(func() (*codec, error) {
	return planFor(reflect.TypeFor[Device](), map[reflect.Type]*codec{})
})

// errFieldsTooMany: the decoder marks the members it has seen in one uint64.
var errFieldsTooMany = fmt.Errorf("struct with more than 64 fields")

// planFor builds the codec of t; an error means a type the quick decoder
// leaves to encoding/json (see jsonplan.KindOf and jsonplan.Fields).
func planFor(t reflect.Type, seen map[reflect.Type]*codec) (*codec, error) {
	if c, ok := seen[t]; ok {
		return c, nil
	}
	kind, err := jsonplan.KindOf(t, jsonplan.Decoding)
	if err != nil {
		return nil, err
	}
	c := &codec{kind: kind, typ: t}
	seen[t] = c
	switch kind {
	case jsonplan.Ptr, jsonplan.Slice, jsonplan.Map:
		c.elem, err = planFor(t.Elem(), seen)
	case jsonplan.Struct:
		err = c.planStruct(seen)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (c *codec) planStruct(seen map[reflect.Type]*codec) error {
	fields, err := jsonplan.Fields(c.typ)
	if err != nil {
		return err
	}
	if len(fields) > 64 {
		return fmt.Errorf("%s: %w", c.typ, errFieldsTooMany)
	}
	c.fields = make(map[string]codecField, len(fields))
	for n, f := range fields {
		fc, err := planFor(f.Type, seen)
		if err != nil {
			return err
		}
		c.fields[f.Name] = codecField{index: f.Index, codec: fc, bit: 1 << n}
	}
	return nil
}

// decodeValue decodes the value at s.I into v; false means the document
// goes to encoding/json.
func decodeValue(s *jsonany.Scanner, c *codec, v reflect.Value, depth int) bool {
	if s.I >= len(s.Doc) || depth > jsonany.MaxDepth {
		return false
	}
	switch b := s.Doc[s.I]; {
	case b == 'n':
		if !s.Literal("null") {
			return false
		}
		// As encoding/json: null empties a pointer, slice or map and leaves
		// anything else as it is (time.Time's UnmarshalJSON ignores it).
		switch c.kind {
		case jsonplan.Ptr, jsonplan.Slice, jsonplan.Map:
			v.SetZero()
		}
		return true
	case c.kind == jsonplan.Ptr:
		if v.IsNil() {
			v.Set(reflect.New(c.elem.typ))
		}
		return decodeValue(s, c.elem, v.Elem(), depth+1)
	case b == '"':
		start := s.I
		str, ok := s.DecodeString()
		if !ok {
			return false
		}
		switch c.kind {
		case jsonplan.String:
			v.SetString(str)
			return true
		case jsonplan.Time:
			return v.Addr().Interface().(*time.Time).UnmarshalJSON(s.Doc[start:s.I]) == nil
		}
		return false
	case b == 't' || b == 'f':
		if c.kind != jsonplan.Bool {
			return false
		}
		if s.Literal("true") {
			v.SetBool(true)
			return true
		}
		if s.Literal("false") {
			v.SetBool(false)
			return true
		}
		return false
	case b == '{':
		switch c.kind {
		case jsonplan.Struct:
			return decodeStruct(s, c, v, depth)
		case jsonplan.Map:
			return decodeMap(s, c, v, depth)
		}
		return false
	case b == '[':
		return c.kind == jsonplan.Slice && decodeSlice(s, c, v, depth)
	}
	return decodeNumber(s, c, v)
}

func decodeNumber(s *jsonany.Scanner, c *codec, v reflect.Value) bool {
	end, ok := jsonany.NumberEnd(s.Doc, s.I)
	if !ok {
		return false
	}
	text := string(s.Doc[s.I:end])
	s.I = end
	switch c.kind {
	case jsonplan.Int:
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil || v.OverflowInt(n) {
			return false
		}
		v.SetInt(n)
		return true
	case jsonplan.Uint:
		n, err := strconv.ParseUint(text, 10, 64)
		if err != nil || v.OverflowUint(n) {
			return false
		}
		v.SetUint(n)
		return true
	}
	return false
}

// members reads the members of the object at s.I, calling member with
// each key, the scanner at its value.
func members(s *jsonany.Scanner, member func(key string) bool) bool {
	s.I++
	s.Space()
	if s.I < len(s.Doc) && s.Doc[s.I] == '}' {
		s.I++
		return true
	}
	for {
		if s.I >= len(s.Doc) || s.Doc[s.I] != '"' {
			return false
		}
		key, ok := s.DecodeString()
		if !ok {
			return false
		}
		s.Space()
		if s.I >= len(s.Doc) || s.Doc[s.I] != ':' {
			return false
		}
		s.I++
		s.Space()
		if !member(key) {
			return false
		}
		if more, ok := s.Separator('}'); !ok {
			return false
		} else if !more {
			return true
		}
	}
}

// decodeStruct takes only keys that name a field exactly, once each:
// encoding/json also matches keys case-insensitively and merges repeated
// ones, which is left to it.
func decodeStruct(s *jsonany.Scanner, c *codec, v reflect.Value, depth int) bool {
	var seen uint64
	return members(s, func(key string) bool {
		f, ok := c.fields[key]
		if !ok || seen&f.bit != 0 {
			return false
		}
		seen |= f.bit
		return decodeValue(s, f.codec, v.Field(f.index), depth+1)
	})
}

func decodeMap(s *jsonany.Scanner, c *codec, v reflect.Value, depth int) bool {
	if v.IsNil() {
		v.Set(reflect.MakeMap(c.typ))
	}
	return members(s, func(key string) bool {
		k := reflect.ValueOf(key).Convert(c.typ.Key())
		if v.MapIndex(k).IsValid() {
			return false // a repeated key
		}
		e := reflect.New(c.elem.typ).Elem()
		if !decodeValue(s, c.elem, e, depth+1) {
			return false
		}
		v.SetMapIndex(k, e)
		return true
	})
}

func decodeSlice(s *jsonany.Scanner, c *codec, v reflect.Value, depth int) bool {
	s.I++
	// As encoding/json: [] gives an empty slice, not nil.
	v.Set(reflect.MakeSlice(c.typ, 0, 0))
	s.Space()
	if s.I < len(s.Doc) && s.Doc[s.I] == ']' {
		s.I++
		return true
	}
	for n := 0; ; n++ {
		v.Grow(1)
		v.SetLen(n + 1)
		if !decodeValue(s, c.elem, v.Index(n), depth+1) {
			return false
		}
		if more, ok := s.Separator(']'); !ok {
			return false
		} else if !more {
			return true
		}
	}
}
