package reports

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/jsonplan"
)

// appendDevice appends json.Marshal(d) by a plan of the facts types made
// once, without encoding/json's per-value reflection and map sorting
// machinery: the facts file of every device is encoded, and that was a
// twentieth of an eval's CPU. ok is false when the plan cannot be made (a
// type it does not know) or a value cannot be encoded as encoding/json
// would without its help (a time outside years 0-9999); the caller then
// uses json.Marshal. FuzzAppendDevice compares the two.
func appendDevice(b []byte, d *facts.Device) ([]byte, bool) {
	return appendDeviceAt(b, d, compact)
}

// appendDeviceIndented appends json.MarshalIndent(d, "", "  "), written
// indented rather than indented after.
func appendDeviceIndented(b []byte, d *facts.Device) ([]byte, bool) {
	return appendDeviceAt(b, d, 0)
}

// compact is the depth that means no indenting.
const compact = -1

func appendDeviceAt(b []byte, d *facts.Device, depth int) ([]byte, bool) {
	plan, err := deviceEncodePlan()
	if err != nil || d == nil {
		return b, false
	}
	return plan.append(b, reflect.ValueOf(d).Elem(), depth)
}

// newline starts a line at depth (two spaces a level); nothing when
// compact.
func newline(b []byte, depth int) []byte {
	if depth < 0 {
		return b
	}
	b = append(b, '\n')
	for range depth {
		b = append(b, "  "...)
	}
	return b
}

// deeper is the depth of what a container at depth holds.
func deeper(depth int) int {
	if depth < 0 {
		return compact
	}
	return depth + 1
}

var deviceEncodePlan = sync.OnceValues(func() (*encPlan, error) {
	return encPlanFor(reflect.TypeFor[facts.Device](), map[reflect.Type]*encPlan{})
})

// encPlan is how one Go type is encoded.
type encPlan struct {
	kind   jsonplan.Kind
	elem   *encPlan
	fields []encField
}

type encField struct {
	index     int
	key       string // `"name"`, quoted as encoding/json quotes it
	plan      *encPlan
	omitEmpty bool
	omitZero  bool
}

var (
	timeType = reflect.TypeFor[time.Time]()
	isZeroer = reflect.TypeFor[interface{ IsZero() bool }]()
)

// encPlanFor builds the plan of t; an error means json.Marshal is used.
func encPlanFor(t reflect.Type, seen map[reflect.Type]*encPlan) (*encPlan, error) {
	if p, ok := seen[t]; ok {
		return p, nil
	}
	kind, err := jsonplan.KindOf(t, jsonplan.Encoding)
	if err != nil {
		return nil, err
	}
	p := &encPlan{kind: kind}
	seen[t] = p
	switch kind {
	case jsonplan.Ptr, jsonplan.Slice, jsonplan.Map:
		p.elem, err = encPlanFor(t.Elem(), seen)
	case jsonplan.Struct:
		err = p.planFields(t, seen)
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

func (p *encPlan) planFields(t reflect.Type, seen map[reflect.Type]*encPlan) error {
	fields, err := jsonplan.Fields(t)
	if err != nil {
		return err
	}
	for _, f := range fields {
		// encoding/json asks an IsZero method where there is one: only
		// time.Time's is known here.
		if f.OmitZero && f.Type != timeType &&
			(f.Type.Implements(isZeroer) || reflect.PointerTo(f.Type).Implements(isZeroer)) {
			return fmt.Errorf("%s.%s omitzero: %w", t, f.Name, jsonplan.ErrNotPlain)
		}
		ef := encField{index: f.Index, key: string(appendJSONString(nil, f.Name)), omitEmpty: f.OmitEmpty, omitZero: f.OmitZero}
		if ef.plan, err = encPlanFor(f.Type, seen); err != nil {
			return err
		}
		p.fields = append(p.fields, ef)
	}
	return nil
}

// empty is encoding/json's omitempty test.
func empty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String, reflect.Slice, reflect.Map:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint() == 0
	case reflect.Pointer:
		return v.IsNil()
	}
	return false
}

func (p *encPlan) append(b []byte, v reflect.Value, depth int) ([]byte, bool) {
	switch p.kind {
	case jsonplan.String:
		return appendJSONString(b, v.String()), true
	case jsonplan.Bool:
		return strconv.AppendBool(b, v.Bool()), true
	case jsonplan.Int:
		return strconv.AppendInt(b, v.Int(), 10), true
	case jsonplan.Uint:
		return strconv.AppendUint(b, v.Uint(), 10), true
	case jsonplan.Time:
		t := v.Interface().(time.Time)
		text, err := t.MarshalJSON()
		if err != nil {
			return b, false
		}
		return append(b, text...), true
	case jsonplan.Ptr:
		if v.IsNil() {
			return append(b, "null"...), true
		}
		return p.elem.append(b, v.Elem(), depth)
	case jsonplan.Slice:
		if v.IsNil() {
			return append(b, "null"...), true
		}
		if v.Len() == 0 {
			return append(b, "[]"...), true
		}
		b = append(b, '[')
		for i := range v.Len() {
			if i > 0 {
				b = append(b, ',')
			}
			b = newline(b, deeper(depth))
			var ok bool
			if b, ok = p.elem.append(b, v.Index(i), deeper(depth)); !ok {
				return b, false
			}
		}
		return append(newline(b, depth), ']'), true
	case jsonplan.Map:
		return p.appendMap(b, v, depth)
	}
	return p.appendStruct(b, v, depth)
}

// appendMemberKey appends a member's quoted name and colon, after a comma and
// on a line of its own as the depth asks.
func appendMemberKey(b []byte, first bool, key string, depth int) []byte {
	if !first {
		b = append(b, ',')
	}
	b = newline(b, deeper(depth))
	b = append(b, key...)
	if depth < 0 {
		return append(b, ':')
	}
	return append(b, ':', ' ')
}

func (p *encPlan) appendMap(b []byte, v reflect.Value, depth int) ([]byte, bool) {
	if v.IsNil() {
		return append(b, "null"...), true
	}
	if v.Len() == 0 {
		return append(b, "{}"...), true
	}
	keys := make([]string, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		keys = append(keys, it.Key().String())
	}
	slices.Sort(keys)
	b = append(b, '{')
	kt := v.Type().Key()
	var quoted []byte
	for i, k := range keys {
		quoted = appendJSONString(quoted[:0], k)
		b = appendMemberKey(b, i == 0, string(quoted), depth)
		var ok bool
		if b, ok = p.elem.append(b, v.MapIndex(reflect.ValueOf(k).Convert(kt)), deeper(depth)); !ok {
			return b, false
		}
	}
	return append(newline(b, depth), '}'), true
}

func (p *encPlan) appendStruct(b []byte, v reflect.Value, depth int) ([]byte, bool) {
	b = append(b, '{')
	first := true
	for i := range p.fields {
		f := &p.fields[i]
		fv := v.Field(f.index)
		if f.omitEmpty && empty(fv) {
			continue
		}
		if f.omitZero {
			if f.plan.kind == jsonplan.Time {
				if fv.Interface().(time.Time).IsZero() {
					continue
				}
			} else if fv.IsZero() {
				continue
			}
		}
		b = appendMemberKey(b, first, f.key, depth)
		first = false
		var ok bool
		if b, ok = f.plan.append(b, fv, deeper(depth)); !ok {
			return b, false
		}
	}
	if !first {
		b = newline(b, depth)
	}
	return append(b, '}'), true
}
