package collectors

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/facts"
)

// fill sets every exported field reachable from v to a non-zero value:
// pointers get a filled target, slices and maps one filled element. seed
// varies the values so two filled documents differ everywhere.
func fill(t *testing.T, v reflect.Value, seed int) {
	t.Helper()
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), seed)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 1, seed+1, 0, 0, 0, 0, time.UTC)))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), seed)
			}
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(t, s.Index(0), seed)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k := reflect.New(v.Type().Key()).Elem()
		fill(t, k, seed)
		e := reflect.New(v.Type().Elem()).Elem()
		fill(t, e, seed)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.String:
		v.SetString(fmt.Sprintf("%s-%d", v.Type().Name(), seed))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(seed + 1))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(seed + 1))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(seed) + 0.5)
	default:
		t.Fatalf("fill: no rule for %s; teach the test this kind", v.Type())
	}
}

// leaves lists every exported leaf field path of a filled value with its
// value, so a failure names the exact field merge lost.
func leaves(v reflect.Value, path string, out map[string]any) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			out[path] = nil
			return
		}
		leaves(v.Elem(), path, out)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			out[path] = v.Interface()
			return
		}
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				leaves(v.Field(i), path+"."+f.Name, out)
			}
		}
	case reflect.Slice:
		out[path+".len"] = v.Len()
		for i := range v.Len() {
			leaves(v.Index(i), fmt.Sprintf("%s[%d]", path, i), out)
		}
	case reflect.Map:
		out[path+".len"] = v.Len()
		for _, k := range v.MapKeys() {
			leaves(v.MapIndex(k), fmt.Sprintf("%s[%v]", path, k), out)
		}
	default:
		out[path] = v.Interface()
	}
}

func filledDevice(t *testing.T, seed int) *facts.Device {
	t.Helper()
	d := &facts.Device{}
	fill(t, reflect.ValueOf(d).Elem(), seed)
	return d
}

// TestMergeKeepsEveryField fills every field of facts.Device, as a
// collector might, and checks that merge carries each one into an empty
// document. A field added to facts.Device is covered without editing this
// test, so a collector's facts cannot be dropped silently.
func TestMergeKeepsEveryField(t *testing.T) {
	src := filledDevice(t, 1)
	dst := &facts.Device{Collectors: map[string]facts.CollectorStatus{}}
	merge(dst, src)

	want, got := map[string]any{}, map[string]any{}
	leaves(reflect.ValueOf(src), "Device", want)
	leaves(reflect.ValueOf(dst), "Device", got)
	for path, w := range want {
		if g, ok := got[path]; !ok || !reflect.DeepEqual(g, w) {
			t.Errorf("merge lost %s: got %v, want %v", path, g, w)
		}
	}
	if len(want) < 100 {
		t.Fatalf("only %d leaf fields filled; the filler is not reaching the document", len(want))
	}
}

// TestMergeTwoCollectors: lists from two collectors are both kept, in
// collector order; a field one collector leaves empty does not clear what
// the other wrote.
func TestMergeTwoCollectors(t *testing.T) {
	a, b := filledDevice(t, 1), &facts.Device{}
	b.HTTP = filledDevice(t, 2).HTTP
	dst := &facts.Device{Collectors: map[string]facts.CollectorStatus{}}
	merge(dst, a)
	merge(dst, b)
	if len(dst.HTTP) != 2 || !reflect.DeepEqual(dst.HTTP[0], a.HTTP[0]) || !reflect.DeepEqual(dst.HTTP[1], b.HTTP[0]) {
		t.Errorf("HTTP after two collectors = %+v, want a's then b's", dst.HTTP)
	}
	if dst.SNMP != a.SNMP || dst.Identity.Vendor != a.Identity.Vendor || dst.ReverseDNS != a.ReverseDNS {
		t.Error("a collector that left fields empty cleared another's facts")
	}
}
