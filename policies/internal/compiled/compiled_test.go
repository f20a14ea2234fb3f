package compiled

import (
	"reflect"
	"testing"

	"github.com/open-policy-agent/opa/v1/util"
)

// decodeResultOPA is decodeResult without the quick decoder.
func decodeResultOPA(out []byte) (any, bool) {
	var rs []struct {
		Result []any `json:"result"`
	}
	if util.UnmarshalJSON(out, &rs) != nil || len(rs) != 1 || len(rs[0].Result) != 1 {
		return nil, false
	}
	return rs[0].Result[0], true
}

// FuzzDecodeResult: the quick decoding of a result set gives OPA's value,
// and refuses what OPA's refuses.
func FuzzDecodeResult(f *testing.F) {
	for _, s := range []string{
		`[{"result":[[[["a"],[],[{"msg":"x","evidence":{"n":1.5e3}}]]]]}]`,
		`[{"result":[1]}]`, `[{"Result":[1]}]`, `[{"result":[1],"x":2}]`, `[]`, `[{"result":[]}]`,
		`[{"result":[1,2]}]`, `[{"result":[1]},{"result":[2]}]`, `{"result":[1]}`, `[{"result":[1]}] x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, out []byte) {
		got, err := decodeResult(out)
		want, ok := decodeResultOPA(out)
		if (err == nil) != ok {
			t.Fatalf("%q: error %v, OPA's decoding ok=%v", out, err, ok)
		}
		if ok && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\n got  %#v\n want %#v", out, got, want)
		}
	})
}
