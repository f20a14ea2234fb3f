// Package jsonplan sorts Go types into the plain cases that a quick JSON
// codec can handle exactly as encoding/json does. The facts decoder and
// the report encoder both build a per-type plan from it; a type or field
// outside these cases is reported as an error, and the codec then leaves
// the value to encoding/json.
package jsonplan

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Kind is how a plain type appears in JSON.
type Kind uint8

const (
	String Kind = iota
	Bool
	Int
	Uint
	Time // time.Time, as its own MarshalJSON and UnmarshalJSON write and read it
	Ptr
	Slice
	Map // string keys
	Struct
)

// Direction says which methods would give a type its own JSON form:
// encoding/json calls the marshalers when encoding and the unmarshalers
// when decoding.
type Direction struct{ json, text reflect.Type }

var (
	Decoding = Direction{reflect.TypeFor[json.Unmarshaler](), reflect.TypeFor[encoding.TextUnmarshaler]()}
	Encoding = Direction{reflect.TypeFor[json.Marshaler](), reflect.TypeFor[encoding.TextMarshaler]()}
)

// ErrNotPlain marks a type or field that a quick codec leaves to
// encoding/json.
var ErrNotPlain = errors.New("not a plain JSON type")

var timeType = reflect.TypeFor[time.Time]()

// hasMethod: t or *t implements iface, as encoding/json looks for both.
func hasMethod(t, iface reflect.Type) bool {
	return t.Implements(iface) || reflect.PointerTo(t).Implements(iface)
}

// KindOf classifies t. Time is the only type with its own JSON methods
// that is plain; any other is refused, as are interfaces, floats, byte
// slices (base64 in encoding/json) and maps whose keys are not plain
// strings. Ptr, Slice and Map have their element in t.Elem(); a Struct's
// members are given by Fields.
func KindOf(t reflect.Type, dir Direction) (Kind, error) {
	if t == timeType {
		return Time, nil
	}
	if hasMethod(t, dir.json) || hasMethod(t, dir.text) {
		return 0, fmt.Errorf("%s has its own JSON methods: %w", t, ErrNotPlain)
	}
	switch t.Kind() {
	case reflect.String:
		return String, nil
	case reflect.Bool:
		return Bool, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return Int, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return Uint, nil
	case reflect.Pointer:
		return Ptr, nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return 0, fmt.Errorf("%s: %w", t, ErrNotPlain)
		}
		return Slice, nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String || hasMethod(t.Key(), dir.text) {
			return 0, fmt.Errorf("%s: %w", t, ErrNotPlain)
		}
		return Map, nil
	case reflect.Struct:
		return Struct, nil
	}
	return 0, fmt.Errorf("%s: %w", t, ErrNotPlain)
}

// Field is a struct member as encoding/json names it.
type Field struct {
	Index     int // in reflect.Type.Field
	Name      string
	Type      reflect.Type
	OmitEmpty bool
	OmitZero  bool
}

// Fields lists the members of struct type t in declaration order. It
// refuses the cases whose rules it does not reproduce: embedded fields
// (promotion), options other than omitempty and omitzero, tag names that
// are not letters, digits, '_' and '-', and two members with one name.
func Fields(t reflect.Type) ([]Field, error) {
	var fields []Field
	names := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			return nil, fmt.Errorf("%s.%s embedded: %w", t, f.Name, ErrNotPlain)
		}
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		} else if !plainName(name) {
			return nil, fmt.Errorf("%s.%s name %q: %w", t, f.Name, name, ErrNotPlain)
		}
		if names[name] {
			return nil, fmt.Errorf("%s: two fields named %s: %w", t, name, ErrNotPlain)
		}
		names[name] = true
		pf := Field{Index: i, Name: name, Type: f.Type}
		for o := range strings.SplitSeq(opts, ",") {
			switch o {
			case "":
			case "omitempty":
				pf.OmitEmpty = true
			case "omitzero":
				pf.OmitZero = true
			default:
				return nil, fmt.Errorf("%s.%s option %s: %w", t, f.Name, o, ErrNotPlain)
			}
		}
		fields = append(fields, pf)
	}
	return fields, nil
}

// plainName: a tag name encoding/json surely takes as it is.
func plainName(s string) bool {
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}
