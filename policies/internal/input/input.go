// Package input builds the Rego input of a facts document directly as an
// OPA value, the fast path of policies.Engine.Evaluate.
package input

import (
	"bytes"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/mfpscan/mfpscan/facts"
)

// The Rego input of a device used to be built by json.Marshal followed by
// ast.ValueFromReader: three passes over the document and an allocation per
// JSON token. Value walks the Go value once instead. Its contract is
// strict equality with that JSON path for every value, so the rules see the
// same input whichever path built it; input_test.go holds it to that.
//
// Where encoding/json's behaviour is intricate (MarshalJSON/MarshalText,
// embedded structs, ",string" fields, json.Number, floats) the walker does
// not re-implement it: it hands that sub-value to encoding/json and parses
// the result, which is exact by construction and rare in facts documents.

// Value converts dev to the value ast.ValueFromReader would give for
// json.Marshal(dev).
func Value(dev *facts.Device) (ast.Value, error) {
	v, err := anyInputValue(dev)
	if err != nil {
		return nil, fmt.Errorf("convert facts document: %w", err)
	}
	return v, nil
}

// anyInputValue is Value for any Go value; the tests use it to cover
// kinds facts.Device does not have today.
func anyInputValue(x any) (ast.Value, error) {
	v := reflect.ValueOf(x)
	if !v.IsValid() {
		return ast.NullValue, nil
	}
	e := encoderPool.Get().(*encoder)
	defer e.release()
	return e.value(v, planFor(v.Type()), false)
}

// maxInputDepth bounds the walk's nesting. Deeper values (a pointer cycle,
// most likely) go to encoding/json, which reports cycles as an error.
const maxInputDepth = 1000

// encoder holds one conversion's scratch space. Terms and element slices
// are carved from slabs to save an allocation per value; each array gets a
// capacity-capped slice of its own, so no container is ever shared.
type encoder struct {
	pairs [][2]*ast.Term // stack of the object items being built
	terms []ast.Term
	elems []*ast.Term
	buf   []byte
	depth int
}

const slabTerms = 256

func (e *encoder) release() {
	clear(e.pairs)
	e.pairs = e.pairs[:0]
	// The slabs belong to the values handed out; never reuse them.
	e.terms, e.elems = nil, nil
	e.depth = 0
	if cap(e.buf) > 1<<12 {
		e.buf = nil
	}
	encoderPool.Put(e)
}

func (e *encoder) term(v ast.Value) *ast.Term {
	if len(e.terms) == 0 {
		e.terms = make([]ast.Term, slabTerms)
	}
	t := &e.terms[0]
	e.terms = e.terms[1:]
	t.Value = v
	return t
}

func (e *encoder) elemSlice(n int) []*ast.Term {
	if n > len(e.elems) {
		if n > slabTerms/4 {
			return make([]*ast.Term, n)
		}
		e.elems = make([]*ast.Term, slabTerms)
	}
	s := e.elems[:n:n]
	e.elems = e.elems[n:]
	return s
}

// value converts v by plan p. addr tells whether encoding/json would see v
// as addressable (reached through a pointer or a slice), which decides
// whether pointer-receiver marshalers apply.
func (e *encoder) value(v reflect.Value, p *typePlan, addr bool) (ast.Value, error) {
	if p.addrJSON && addr {
		return viaJSON(v.Addr().Interface())
	}
	switch p.kind {
	case kindBool:
		return ast.InternedValue(v.Bool()), nil
	case kindInt:
		return intValue(v.Int()), nil
	case kindUint:
		if u := v.Uint(); u <= 1<<31 {
			return intValue(int64(u)), nil
		}
		return ast.Number(strconv.FormatUint(v.Uint(), 10)), nil
	case kindFloat32:
		return viaJSON(float32(v.Float()))
	case kindFloat64:
		return viaJSON(v.Float())
	case kindString:
		return ast.InternedValue(validUTF8(v.String())), nil
	case kindTime:
		t, _ := reflect.TypeAssert[time.Time](v)
		b, err := t.AppendText(e.buf[:0])
		if err != nil {
			return nil, fmt.Errorf("encode time: %w", err)
		}
		e.buf = b
		return ast.String(b), nil
	case kindBytes:
		if v.IsNil() {
			return ast.NullValue, nil
		}
		return ast.String(base64.StdEncoding.EncodeToString(v.Bytes())), nil
	case kindJSON:
		if addr {
			return viaJSON(v.Addr().Interface())
		}
		return viaJSON(v.Interface())
	case kindUnsupported:
		return nil, &json.UnsupportedTypeError{Type: p.typ}
	}
	if e.depth >= maxInputDepth {
		if addr {
			return viaJSON(v.Addr().Interface())
		}
		return viaJSON(v.Interface())
	}
	e.depth++
	defer func() { e.depth-- }()
	return e.container(v, p, addr)
}

func (e *encoder) container(v reflect.Value, p *typePlan, addr bool) (ast.Value, error) {
	switch p.kind {
	case kindPointer:
		if v.IsNil() {
			return ast.NullValue, nil
		}
		return e.value(v.Elem(), p.elem, true)
	case kindInterface:
		if v.IsNil() {
			return ast.NullValue, nil
		}
		dv := v.Elem()
		return e.value(dv, planFor(dv.Type()), false)
	case kindSlice:
		if v.IsNil() {
			return ast.NullValue, nil
		}
		return e.array(v, p, true)
	case kindArray:
		return e.array(v, p, addr)
	case kindMap:
		if v.IsNil() {
			return ast.NullValue, nil
		}
		return e.object(v, p)
	case kindStruct:
		return e.structValue(v, p, addr)
	}
	return nil, fmt.Errorf("convert %s: unexpected plan kind %d", p.typ, p.kind)
}

func (e *encoder) array(v reflect.Value, p *typePlan, addr bool) (ast.Value, error) {
	n := v.Len()
	elems := e.elemSlice(n)
	for i := range n {
		x, err := e.value(v.Index(i), p.elem, addr)
		if err != nil {
			return nil, fmt.Errorf("index %d: %w", i, err)
		}
		elems[i] = e.term(x)
	}
	return ast.NewArray(elems...), nil
}

func (e *encoder) structValue(v reflect.Value, p *typePlan, addr bool) (ast.Value, error) {
	start := len(e.pairs)
	defer e.popPairs(start)
	for i := range p.fields {
		f := &p.fields[i]
		fv := v.Field(f.index)
		if f.omitEmpty && isEmptyValue(fv) {
			continue
		}
		if f.omitZero && (f.isZero == nil && fv.IsZero() || f.isZero != nil && f.isZero(fv)) {
			continue
		}
		x, err := e.value(fv, f.plan, addr)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.name, err)
		}
		e.pairs = append(e.pairs, [2]*ast.Term{f.key, e.term(x)})
	}
	return ast.NewObject(e.pairs[start:]...), nil
}

func (e *encoder) popPairs(start int) {
	clear(e.pairs[start:])
	e.pairs = e.pairs[:start]
}

// object converts a non-nil map. Map elements are never addressable to
// encoding/json, so they convert with addr false even though they are read
// into reusable (addressable) variables to save a copy per entry.
func (e *encoder) object(v reflect.Value, p *typePlan) (ast.Value, error) {
	start := len(e.pairs)
	defer e.popPairs(start)
	kv := reflect.New(p.typ.Key()).Elem()
	ev := reflect.New(p.typ.Elem()).Elem()
	var it reflect.MapIter
	it.Reset(v)
	if p.mapKey == keyString {
		for it.Next() {
			kv.SetIterKey(&it)
			k := kv.String()
			if !utf8.ValidString(k) {
				// Two keys may coerce to one; take the general path.
				e.popPairs(start)
				return e.objectGeneral(v, p)
			}
			ev.SetIterValue(&it)
			x, err := e.value(ev, p.elem, false)
			if err != nil {
				return nil, fmt.Errorf("key %q: %w", k, err)
			}
			e.pairs = append(e.pairs, [2]*ast.Term{e.term(ast.InternedValue(k)), e.term(x)})
		}
		items := e.pairs[start:]
		slices.SortFunc(items, func(a, b [2]*ast.Term) int {
			return strings.Compare(string(a[0].Value.(ast.String)), string(b[0].Value.(ast.String)))
		})
		return ast.NewObject(items...), nil
	}
	return e.objectGeneral(v, p)
}

// objectGeneral handles non-string keys and keys that are not valid UTF-8:
// keys are resolved and sorted as encoding/json does, and when two resolve
// to the same string the later one wins, as when the JSON is decoded.
func (e *encoder) objectGeneral(v reflect.Value, p *typePlan) (ast.Value, error) {
	type entry struct {
		key string
		val reflect.Value
	}
	entries := make([]entry, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		k, err := mapKeyString(it.Key(), p.mapKey)
		if err != nil {
			return nil, fmt.Errorf("encode map key of %s: %w", p.typ, err)
		}
		entries = append(entries, entry{key: k, val: it.Value()})
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	start := len(e.pairs)
	index := make(map[string]int, len(entries))
	for _, ent := range entries {
		x, err := e.value(ent.val, p.elem, false)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", ent.key, err)
		}
		k := validUTF8(ent.key)
		if i, ok := index[k]; ok {
			e.pairs[start+i][1] = e.term(x)
			continue
		}
		index[k] = len(e.pairs) - start
		e.pairs = append(e.pairs, [2]*ast.Term{e.term(ast.InternedValue(k)), e.term(x)})
	}
	return ast.NewObject(e.pairs[start:]...), nil
}

func mapKeyString(k reflect.Value, kind keyKind) (string, error) {
	switch kind {
	case keyString:
		return k.String(), nil
	case keyText:
		if k.Kind() == reflect.Pointer && k.IsNil() {
			return "", nil
		}
		tm, ok := k.Interface().(encoding.TextMarshaler)
		if !ok {
			return "", fmt.Errorf("key type %s has no MarshalText", k.Type())
		}
		b, err := tm.MarshalText()
		if err != nil {
			return "", fmt.Errorf("marshal map key: %w", err)
		}
		return string(b), nil
	case keyInt:
		return strconv.FormatInt(k.Int(), 10), nil
	default:
		return strconv.FormatUint(k.Uint(), 10), nil
	}
}

func intValue(i int64) ast.Value {
	if i >= -1 && i <= 1<<20 && ast.HasInternedIntNumberTerm(int(i)) {
		return ast.InternedValue(int(i))
	}
	return ast.Number(strconv.FormatInt(i, 10))
}

// validUTF8 replaces each byte that is not part of valid UTF-8 with U+FFFD,
// byte by byte as encoding/json does (unlike strings.ToValidUTF8, which
// replaces runs).
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// viaJSON converts x the old way: whatever encoding/json makes of it.
func viaJSON(x any) (ast.Value, error) {
	raw, err := json.Marshal(x)
	if err != nil {
		return nil, fmt.Errorf("encode %T: %w", x, err)
	}
	v, err := ast.ValueFromReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("parse encoded %T: %w", x, err)
	}
	return v, nil
}
