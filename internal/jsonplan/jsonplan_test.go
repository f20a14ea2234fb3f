package jsonplan

import (
	"encoding/json"
	"errors"
	"net"
	"reflect"
	"testing"
	"time"
)

type onlyUnmarshals struct{}

func (*onlyUnmarshals) UnmarshalJSON([]byte) error { return nil }

func TestKindOf(t *testing.T) {
	for _, tc := range []struct {
		typ  reflect.Type
		dir  Direction
		want Kind
		ok   bool
	}{
		{reflect.TypeFor[string](), Decoding, String, true},
		{reflect.TypeFor[bool](), Encoding, Bool, true},
		{reflect.TypeFor[int16](), Decoding, Int, true},
		{reflect.TypeFor[uint64](), Encoding, Uint, true},
		{reflect.TypeFor[time.Time](), Decoding, Time, true},
		{reflect.TypeFor[time.Time](), Encoding, Time, true},
		{reflect.TypeFor[*int](), Decoding, Ptr, true},
		{reflect.TypeFor[[]string](), Encoding, Slice, true},
		{reflect.TypeFor[map[string]int](), Decoding, Map, true},
		{reflect.TypeFor[struct{ A int }](), Encoding, Struct, true},
		{reflect.TypeFor[[]byte](), Decoding, 0, false},             // base64
		{reflect.TypeFor[map[int]string](), Encoding, 0, false},     // keys written as text
		{reflect.TypeFor[float64](), Decoding, 0, false},            // number forms
		{reflect.TypeFor[any](), Encoding, 0, false},                // dynamic
		{reflect.TypeFor[json.RawMessage](), Encoding, 0, false},    // own methods
		{reflect.TypeFor[net.IP](), Decoding, 0, false},             // text methods
		{reflect.TypeFor[onlyUnmarshals](), Decoding, 0, false},     // methods of the pointer
		{reflect.TypeFor[onlyUnmarshals](), Encoding, Struct, true}, // no marshaler
	} {
		got, err := KindOf(tc.typ, tc.dir)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrNotPlain)) || got != tc.want {
			t.Errorf("KindOf(%s) = %v, %v; want %v, ok %v", tc.typ, got, err, tc.want, tc.ok)
		}
	}
}

func TestFields(t *testing.T) {
	type plain struct {
		A      string
		B      int    `json:"b,omitempty"`
		C      bool   `json:",omitzero"`
		hidden int    // unexported: not a member
		D      string `json:"-"`
		E      []int  `json:"e-2_x"`
	}
	_ = plain{}.hidden
	got, err := Fields(reflect.TypeFor[plain]())
	if err != nil {
		t.Fatal(err)
	}
	want := []Field{
		{Index: 0, Name: "A", Type: reflect.TypeFor[string]()},
		{Index: 1, Name: "b", Type: reflect.TypeFor[int](), OmitEmpty: true},
		{Index: 2, Name: "C", Type: reflect.TypeFor[bool](), OmitZero: true},
		{Index: 5, Name: "e-2_x", Type: reflect.TypeFor[[]int]()},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Fields = %+v\nwant %+v", got, want)
	}

	type embedded struct{ plain }
	type stringOpt struct {
		A int `json:"a,string"`
	}
	type oddName struct {
		A int `json:"a b"`
	}
	type twice struct {
		X int
		Y int `json:"X"`
	}
	for _, typ := range []reflect.Type{
		reflect.TypeFor[embedded](),
		reflect.TypeFor[stringOpt](),
		reflect.TypeFor[oddName](),
		reflect.TypeFor[twice](),
	} {
		if _, err := Fields(typ); !errors.Is(err, ErrNotPlain) {
			t.Errorf("Fields(%s) error %v, want ErrNotPlain", typ, err)
		}
	}
}
