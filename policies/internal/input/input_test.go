package input

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfile"
)

// inputFixture is 50 documents from `gen -n 50 -seed 7` (bench/policies/gen).
const inputFixture = "../../testdata/input/gen-n50-seed7.json"

// jsonInputValue is the path Value replaces.
func jsonInputValue(x any) (ast.Value, error) {
	raw, err := json.Marshal(x)
	if err != nil {
		return nil, err
	}
	return ast.ValueFromReader(bytes.NewReader(raw))
}

// canonical renders v with sorted keys and numbers as their literal text, so
// that "1.0" and "1" (which ast.Compare calls equal) still differ.
func canonical(t testing.TB, v ast.Value) string {
	t.Helper()
	x, err := ast.JSON(v)
	if err != nil {
		t.Fatalf("ast.JSON(%v): %v", v, err)
	}
	raw, err := json.Marshal(x)
	if err != nil {
		t.Fatalf("marshal %v: %v", v, err)
	}
	return string(raw)
}

// checkSame fails unless the direct conversion of x equals the JSON path's:
// same value, same literal text, same hash (OPA's lookups rely on it), or an
// error from both.
func checkSame(t testing.TB, name string, x any, direct func() (ast.Value, error)) {
	t.Helper()
	want, wantErr := jsonInputValue(x)
	got, gotErr := direct()
	if wantErr != nil || gotErr != nil {
		if wantErr == nil || gotErr == nil {
			t.Errorf("%s: JSON path error %v, direct error %v", name, wantErr, gotErr)
		}
		return
	}
	if got.Compare(want) != 0 {
		t.Errorf("%s: values differ\n got: %v\nwant: %v", name, got, want)
		return
	}
	if g, w := canonical(t, got), canonical(t, want); g != w {
		t.Errorf("%s: texts differ\n got: %s\nwant: %s", name, g, w)
	}
	if got.Hash() != want.Hash() {
		t.Errorf("%s: hash %d, want %d", name, got.Hash(), want.Hash())
	}
}

func checkDevice(t testing.TB, name string, dev *facts.Device) {
	t.Helper()
	checkSame(t, name, dev, func() (ast.Value, error) { return Value(dev) })
}

func checkAny(t testing.TB, name string, x any) {
	t.Helper()
	checkSame(t, name, x, func() (ast.Value, error) { return anyInputValue(x) })
}

func TestInputValueGeneratedDocuments(t *testing.T) {
	docs := testfile.Devices(t, inputFixture)
	if len(docs) != 50 {
		t.Fatalf("fixture holds %d documents, want 50", len(docs))
	}
	for i, dev := range docs {
		checkDevice(t, fmt.Sprintf("document %d (%s)", i, dev.Address), dev)
	}
}

func TestInputValueDeviceEdgeCases(t *testing.T) {
	zone := time.FixedZone("IST", 5*3600+30*60)
	full := testfile.Devices(t, inputFixture)[0]
	cases := map[string]*facts.Device{
		"nil device":   nil,
		"empty device": {},
		"empty vs nil slices": {
			Ports: []facts.Port{}, Interfaces: []facts.Interface{}, HTTP: nil,
			Collectors: map[string]facts.CollectorStatus{},
			Identity:   facts.Identity{Sources: []facts.IdentityHint{}},
		},
		"nil pointers in nested structs": {
			Scan:     &facts.Scan{},
			RemoteUI: &facts.RemoteUI{},
			SNMP:     &facts.SNMP{Values: map[string]string{}},
			TLS:      []facts.TLSService{{Certificate: &facts.Certificate{}}},
			Identity: facts.Identity{IsPrinter: facts.Bool(false), IsMFP: facts.Bool(true)},
		},
		"strings": {
			Address:    "ünïcødé 打印机 \u2028\u2029 <a&b> \"q\" \\ \x00\x01\x1f\x7f",
			ReverseDNS: "bad utf8 \xff\xfe x \xe2\x82 y \xed\xa0\x80",
			Identity:   facts.Identity{DeviceID: "\uFFFD literal replacement"},
			SNMP: &facts.SNMP{Values: map[string]string{
				"1.3.6.1.2.1.1.1.0": "Canon iR-ADV C5535 /P",
				"":                  "empty key",
				"<&>":               "\t\n\r",
			}},
		},
		"invalid utf8 map keys collide": {
			Collectors: map[string]facts.CollectorStatus{
				"a\xff": {Status: facts.StatusOK},
				"a\xfe": {Status: facts.StatusError, Reason: "x"},
				"b":     {Status: facts.StatusSkipped, DurationMS: 1},
			},
		},
		"big and negative ints": {
			Collectors: map[string]facts.CollectorStatus{
				"max": {DurationMS: math.MaxInt64},
				"min": {DurationMS: math.MinInt64},
				"neg": {DurationMS: -1},
				"two": {DurationMS: -2},
			},
			SNMP: &facts.SNMP{EngineEnterprise: 1 << 40, Port: 65535, CommunitiesTried: 1 << 20},
			TLS: []facts.TLSService{{Ciphers: map[string][]facts.Cipher{
				"tls1_2": {{Name: "x", ID: math.MaxUint16}, {Name: "y", ID: 0}},
				"tls1_3": {},
				"none":   nil,
			}}},
		},
		"times": {
			Scan: &facts.Scan{
				StartedAt:  time.Date(2026, 3, 1, 9, 0, 0, 123456789, zone),
				FinishedAt: time.Date(2026, 3, 1, 9, 0, 1, 100, time.UTC),
			},
			TLS: []facts.TLSService{{Certificate: &facts.Certificate{
				NotBefore: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
				NotAfter:  time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("", -(23*3600+59*60))),
			}}},
		},
		"time out of range": {
			Scan: &facts.Scan{StartedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		},
		"first generated document": full,
	}
	for name, dev := range cases {
		checkDevice(t, name, dev)
	}
	if _, err := Value(cases["time out of range"]); err == nil {
		t.Error("time out of range: want an error, got none")
	}
}

// Types below exercise the encoding/json rules that facts.Device does not
// use today, so that a future field of such a type stays equivalent.

type ptrMarshaler struct{ N int }

func (p *ptrMarshaler) MarshalJSON() ([]byte, error) { return []byte(`{"ptr":true}`), nil }

type valText struct{ S string }

func (v valText) MarshalText() ([]byte, error) { return []byte("text:" + v.S), nil }

type ptrText struct{ S string }

func (p *ptrText) MarshalText() ([]byte, error) { return []byte("ptext:" + p.S), nil }

type zeroer struct{ N int }

func (z zeroer) IsZero() bool { return z.N < 0 }

type inner struct {
	A int    `json:"a"`
	B string `json:"b,omitempty"`
}

type withEmbedded struct {
	inner
	C int `json:"c"`
}

type kitchen struct {
	F64      float64            `json:"f64"`
	F32      float32            `json:"f32"`
	Bytes    []byte             `json:"bytes"`
	Arr      [3]byte            `json:"arr"`
	IntKeys  map[int]string     `json:"int_keys"`
	UintKeys map[uint8]bool     `json:"uint_keys"`
	Addrs    map[netip.Addr]int `json:"addrs"`
	Any      any                `json:"any"`
	Raw      json.RawMessage    `json:"raw,omitempty"`
	Num      json.Number        `json:"num,omitempty"`
	PtrM     ptrMarshaler       `json:"ptr_m"`
	PtrMs    map[string]ptrMarshaler
	ValT     valText  `json:"val_t"`
	PtrT     ptrText  `json:"ptr_t"`
	PtrTP    *ptrText `json:"ptr_tp"`
	Zero     zeroer   `json:"zero,omitzero"`
	ZeroP    *zeroer  `json:"zero_p,omitzero"`
	Skip     string   `json:"-"`
	Untagged uint64
	Nested   withEmbedded `json:"nested"`
	Iface    interface{ IsZero() bool }
	hidden   int
}

// taggedStruct builds a struct of string fields with the given json tags at
// run time: vet and staticcheck rightly reject odd tags in source, but
// encoding/json still defines what they do.
func taggedStruct(tags ...string) any {
	fields := make([]reflect.StructField, len(tags))
	for i, tag := range tags {
		fields[i] = reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: reflect.TypeFor[string](), Tag: reflect.StructTag(tag)}
	}
	v := reflect.New(reflect.StructOf(fields)).Elem()
	for i := range tags {
		v.Field(i).SetString(fmt.Sprintf("value %d", i))
	}
	return v.Interface()
}

type quoted struct {
	N int    `json:"n,string"`
	S string `json:"s,string"`
	B bool   `json:",string"`
}

type cyclic struct {
	Next *cyclic `json:"next"`
}

func TestInputValueEncodingRules(t *testing.T) {
	full := kitchen{
		F64: 1e21, F32: 0.1, Bytes: []byte("hello\x00"), Arr: [3]byte{1, 2, 3},
		IntKeys:  map[int]string{-1: "m", 10: "ten", 2: "two"},
		UintKeys: map[uint8]bool{255: true},
		Addrs:    map[netip.Addr]int{netip.MustParseAddr("127.0.0.1"): 1, {}: 2},
		Any: map[string]any{"f": 3.5, "i": float64(1 << 53), "n": json.Number("12.50"),
			"s": []any{nil, true, "x", map[string]any{}}},
		Raw: json.RawMessage(`{"b": [1, 2.0, "x"], "a": null}`), Num: "-0.5e10",
		PtrMs: map[string]ptrMarshaler{"k": {N: 1}},
		ValT:  valText{S: "v"}, PtrT: ptrText{S: "p"}, PtrTP: &ptrText{S: "pp"},
		Zero: zeroer{N: -1}, ZeroP: &zeroer{N: 1}, Skip: "skip",
		Untagged: math.MaxUint64, Nested: withEmbedded{inner{1, "b"}, 2},
		Iface: zeroer{N: 3}, hidden: 7,
	}
	floats := []float64{0, math.Copysign(0, -1), 1, -1.5, 1e-6, 1e-7, 123456789e10, 1e20, 1e21, math.MaxFloat64, math.SmallestNonzeroFloat64}
	cases := map[string]any{
		"kitchen zero":     kitchen{},
		"kitchen full":     full,
		"kitchen pointer":  &full,
		"kitchen in slice": []kitchen{full, {}},
		"kitchen in map":   map[string]kitchen{"a": full},
		"floats":           floats,
		"float32s":         []float32{0.1, 1e-7, 3.4e38, 16777216},
		"empty bytes":      []byte{},
		"duplicate names":  taggedStruct(`json:"x"`, `json:"x"`, `json:"y"`),
		"odd tags":         taggedStruct(`json:"-,"`, `json:"a\"b"`, `json:",omitempty"`, `json:"ok name!"`, `json:"-"`, `json:"\u00e9t\u00e9"`),
		"quoted":           quoted{N: 42, S: "<x>", B: true},
		"embedded":         &withEmbedded{inner{5, ""}, 6},
		"any values":       []any{nil, 1, int8(-3), uint(7), "s", 2.5, []int(nil), map[string]int(nil), &full.Nested},
		"bad number":       kitchen{Num: "1x"},
		"NaN":              []float64{math.NaN()},
		"Inf":              map[string]float64{"x": math.Inf(1)},
		"chan":             struct{ C chan int }{},
		"func":             []any{func() {}},
		"complex":          struct{ C complex128 }{1i},
		"unsupported key":  map[[2]int]string{},
		"omitted chan": struct {
			C chan int `json:",omitzero"`
		}{},
		"cycle": func() *cyclic { c := &cyclic{}; c.Next = c; return c }(),
		"deep":  deepList(1500),
	}
	for name, x := range cases {
		checkAny(t, name, x)
	}
	for _, name := range []string{"bad number", "NaN", "Inf", "chan", "func", "complex", "unsupported key", "cycle"} {
		if _, err := anyInputValue(cases[name]); err == nil {
			t.Errorf("%s: want an error, got none", name)
		}
	}
}

func deepList(n int) *cyclic {
	var head *cyclic
	for range n {
		head = &cyclic{Next: head}
	}
	return head
}

// TestInputValueIndependent checks that two conversions share no mutable
// container: changing one result must not show in the other.
func TestInputValueIndependent(t *testing.T) {
	dev := testfile.Devices(t, inputFixture)[1]
	a, err := Value(dev)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Value(dev)
	if err != nil {
		t.Fatal(err)
	}
	ports, ok := a.(ast.Object).Get(ast.StringTerm("ports")).Value.(*ast.Array)
	if !ok {
		t.Fatalf("ports is not an array in %v", a)
	}
	ports.Set(0, ast.StringTerm("changed"))
	a.(ast.Object).Insert(ast.StringTerm("address"), ast.StringTerm("changed"))
	if b.Compare(a) == 0 {
		t.Fatal("changing one conversion changed the other")
	}
	checkSame(t, "second conversion", dev, func() (ast.Value, error) { return b, nil })
}

// TestInputValueConcurrent runs conversions in parallel (plan cache and
// encoder pool under -race) and checks every result.
func TestInputValueConcurrent(t *testing.T) {
	docs := testfile.Devices(t, inputFixture)
	want := make([]ast.Value, len(docs))
	for i, dev := range docs {
		v, err := jsonInputValue(dev)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = v
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(docs))
	for w := range 4 {
		wg.Go(func() {
			for i := range docs {
				k := (i + w*7) % len(docs)
				got, err := Value(docs[k])
				if err == nil && got.Compare(want[k]) != 0 {
					err = fmt.Errorf("document %d differs", k)
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func FuzzInputValue(f *testing.F) {
	raw, err := os.ReadFile(inputFixture)
	if err != nil {
		f.Fatal(err)
	}
	var docs []json.RawMessage
	if err := json.Unmarshal(raw, &docs); err != nil {
		f.Fatal(err)
	}
	for _, d := range docs[:10] {
		f.Add([]byte(d))
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"collectors":{"\u00ff":{"status":"ok","duration_ms":-9223372036854775808}},"scan":{"started_at":"2026-01-02T03:04:05.999999999+05:30"}}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		var dev facts.Device
		if err := json.Unmarshal(doc, &dev); err != nil {
			t.Skip()
		}
		checkDevice(t, "fuzz", &dev)
	})
}

// benchDocs reads MFPSCAN_INPUT_DOCS (e.g. `gen -n 500` output) when set,
// else the committed fixture.
func benchDocs(b *testing.B) []*facts.Device {
	path := os.Getenv("MFPSCAN_INPUT_DOCS")
	if path == "" {
		path = filepath.FromSlash(inputFixture)
	}
	return testfile.Devices(b, path)
}

// benchConvert times convert over the benchmark documents, round robin.
func benchConvert(b *testing.B, convert func(*facts.Device) (ast.Value, error)) {
	docs := benchDocs(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := convert(docs[i%len(docs)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInputValue(b *testing.B) { benchConvert(b, Value) }

func BenchmarkInputValueJSON(b *testing.B) {
	benchConvert(b, func(d *facts.Device) (ast.Value, error) { return jsonInputValue(d) })
}
