package input

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Per-type conversion plans for Value (input.go): what encoding/json
// decides from struct tags and types is worked out once per type.

type planKind uint8

const (
	kindUnsupported planKind = iota
	kindBool
	kindInt
	kindUint
	kindFloat32
	kindFloat64
	kindString
	kindBytes
	kindStruct
	kindMap
	kindSlice
	kindArray
	kindPointer
	kindInterface
	kindTime
	kindJSON // delegated to encoding/json
)

type keyKind uint8

const (
	keyString keyKind = iota
	keyText
	keyInt
	keyUint
)

// typePlan is how one Go type converts, worked out once per type.
type typePlan struct {
	typ  reflect.Type
	kind planKind
	// addrJSON: the pointer type has MarshalJSON or MarshalText, which
	// encoding/json calls only when the value is addressable.
	addrJSON bool
	elem     *typePlan // pointer, slice, array and map element
	mapKey   keyKind
	fields   []fieldPlan
}

type fieldPlan struct {
	index     int
	name      string
	key       *ast.Term // shared between calls: terms are never mutated
	omitEmpty bool
	omitZero  bool
	isZero    func(reflect.Value) bool // the type's IsZero method, if any
	plan      *typePlan
}

var (
	// planCache maps reflect.Type to *typePlan. Plans are immutable once
	// stored, and a type's plan never changes, so it needs no reset.
	planCache sync.Map

	encoderPool = sync.Pool{New: func() any { return new(encoder) }}

	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	isZeroerType      = reflect.TypeFor[interface{ IsZero() bool }]()
	timeType          = reflect.TypeFor[time.Time]()
	jsonNumberType    = reflect.TypeFor[json.Number]()
)

func planFor(t reflect.Type) *typePlan {
	if p, ok := planCache.Load(t); ok {
		return p.(*typePlan)
	}
	building := make(map[reflect.Type]*typePlan)
	p := buildPlan(t, building)
	// Publish only complete plans: a recursive type's plan refers to itself
	// while it is being built.
	for bt, bp := range building {
		planCache.LoadOrStore(bt, bp)
	}
	return p
}

func buildPlan(t reflect.Type, building map[reflect.Type]*typePlan) *typePlan {
	if p, ok := building[t]; ok {
		return p
	}
	if p, ok := planCache.Load(t); ok {
		return p.(*typePlan)
	}
	p := &typePlan{typ: t}
	building[t] = p
	if t == timeType {
		// time.Time's MarshalJSON is its MarshalText quoted; converted
		// directly because every facts document carries several.
		p.kind = kindTime
		return p
	}
	k := t.Kind()
	if k != reflect.Pointer && k != reflect.Interface {
		pt := reflect.PointerTo(t)
		p.addrJSON = pt.Implements(marshalerType) || pt.Implements(textMarshalerType)
	}
	// An interface is walked into: its dynamic value decides.
	if k != reflect.Interface && (t.Implements(marshalerType) || t.Implements(textMarshalerType) || t == jsonNumberType) {
		p.kind = kindJSON
		return p
	}
	switch k {
	case reflect.Bool:
		p.kind = kindBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		p.kind = kindInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		p.kind = kindUint
	case reflect.Float32:
		p.kind = kindFloat32
	case reflect.Float64:
		p.kind = kindFloat64
	case reflect.String:
		p.kind = kindString
	case reflect.Interface:
		p.kind = kindInterface
	case reflect.Pointer:
		p.kind, p.elem = kindPointer, buildPlan(t.Elem(), building)
	case reflect.Array:
		p.kind, p.elem = kindArray, buildPlan(t.Elem(), building)
	case reflect.Slice:
		pe := reflect.PointerTo(t.Elem())
		if t.Elem().Kind() == reflect.Uint8 && !pe.Implements(marshalerType) && !pe.Implements(textMarshalerType) {
			p.kind = kindBytes
			break
		}
		p.kind, p.elem = kindSlice, buildPlan(t.Elem(), building)
	case reflect.Map:
		key, ok := mapKeyKind(t.Key())
		if !ok {
			break // unsupported, as in encoding/json, even when nil
		}
		p.kind, p.mapKey, p.elem = kindMap, key, buildPlan(t.Elem(), building)
	case reflect.Struct:
		if fields, ok := structPlan(t, building); ok {
			p.kind, p.fields = kindStruct, fields
		} else {
			p.kind = kindJSON
		}
	}
	return p
}

func mapKeyKind(t reflect.Type) (keyKind, bool) {
	switch t.Kind() {
	case reflect.String:
		return keyString, true
	}
	if t.Implements(textMarshalerType) {
		return keyText, true
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return keyInt, true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return keyUint, true
	}
	return 0, false
}

// structPlan lists t's fields as encoding/json names them. It declines
// (false) the cases whose rules it does not reproduce: embedded fields
// (promotion and dominance), ",string" and duplicate names (annihilation).
func structPlan(t reflect.Type, building map[reflect.Type]*typePlan) ([]fieldPlan, bool) {
	fields := make([]fieldPlan, 0, t.NumField())
	seen := make(map[string]bool, t.NumField())
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil, false
		}
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if !validTagName(name) {
			name = sf.Name
		}
		f := fieldPlan{index: i, name: name, key: ast.StringTerm(name)}
		for opt := range strings.SplitSeq(opts, ",") {
			switch opt {
			case "omitempty":
				f.omitEmpty = true
			case "omitzero":
				f.omitZero = true
				f.isZero = zeroFunc(sf.Type)
			case "string":
				return nil, false
			}
		}
		if seen[name] {
			return nil, false
		}
		seen[name] = true
		f.plan = buildPlan(sf.Type, building)
		fields = append(fields, f)
	}
	return fields, true
}

// validTagName mirrors encoding/json's rule for usable tag names: letters,
// digits and punctuation other than backslash and quotes.
func validTagName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c) {
			continue
		}
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			return false
		}
	}
	return true
}

// zeroFunc returns how omitzero tests a value of type t when t (or *t) has an
// IsZero method, guarding nil receivers as encoding/json does; nil means
// reflect's IsZero.
func zeroFunc(t reflect.Type) func(reflect.Value) bool {
	switch {
	case t.Kind() == reflect.Interface && t.Implements(isZeroerType):
		return func(v reflect.Value) bool {
			return v.IsNil() || (v.Elem().Kind() == reflect.Pointer && v.Elem().IsNil()) ||
				v.Interface().(interface{ IsZero() bool }).IsZero()
		}
	case t.Kind() == reflect.Pointer && t.Implements(isZeroerType):
		return func(v reflect.Value) bool {
			return v.IsNil() || v.Interface().(interface{ IsZero() bool }).IsZero()
		}
	case t.Implements(isZeroerType):
		return func(v reflect.Value) bool { return v.Interface().(interface{ IsZero() bool }).IsZero() }
	case reflect.PointerTo(t).Implements(isZeroerType):
		return func(v reflect.Value) bool {
			if !v.CanAddr() {
				box := reflect.New(v.Type()).Elem()
				box.Set(v)
				v = box
			}
			return v.Addr().Interface().(interface{ IsZero() bool }).IsZero()
		}
	}
	return nil
}

func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}
