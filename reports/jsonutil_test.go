package reports

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzAppendIndented: on any compact JSON text, the indenter gives what
// json.Indent gives.
func FuzzAppendIndented(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, `{"a":[]}`, `{"a":{},"b":[1,2,{"c":"d"}]}`, `[[[]],[{}],""]`,
		`{"q\"u:o,t{e[":"x\\","y":"\\\"]"}`, `[-1.5e+7,true,false,null,"\u003c/script\u003e"]`, `"s"`, `12`,
	} {
		f.Add([]byte(s), "")
		f.Add([]byte(s), "\t> ")
	}
	f.Fuzz(func(t *testing.T, doc []byte, prefix string) {
		var compact bytes.Buffer
		if json.Compact(&compact, doc) != nil {
			return
		}
		var want bytes.Buffer
		if err := json.Indent(&want, compact.Bytes(), prefix, "  "); err != nil {
			t.Fatal(err)
		}
		if got := appendIndented(nil, compact.Bytes(), prefix, "  "); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("indented %q:\n got  %q\n want %q", compact.Bytes(), got, want.Bytes())
		}
	})
}

func TestMarshalIndentMatchesEncodingJSON(t *testing.T) {
	for _, d := range fixtureDevices() {
		for _, prefix := range []string{"", "    "} {
			want, err := json.MarshalIndent(d, prefix, "  ")
			if err != nil {
				t.Fatal(err)
			}
			got, err := marshalIndent(d, prefix)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s with prefix %q: marshalIndent differs from json.MarshalIndent", d.Address, prefix)
			}
		}
	}
}
