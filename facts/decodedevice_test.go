package facts

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// checkDecodeDevice fails when DecodeDevice differs from json.Unmarshal:
// in the document it gives, or in whether (and how) it fails.
func checkDecodeDevice(t *testing.T, doc []byte) {
	t.Helper()
	var want Device
	wantErr := json.Unmarshal(doc, &want)
	got, err := DecodeDevice(doc)
	switch {
	case (err == nil) != (wantErr == nil):
		t.Fatalf("%.300q: DecodeDevice error %v, json.Unmarshal %v", doc, err, wantErr)
	case err != nil && err.Error() != wantErr.Error():
		t.Fatalf("%.300q: DecodeDevice error %v, json.Unmarshal %v", doc, err, wantErr)
	case err == nil && !reflect.DeepEqual(*got, want):
		t.Fatalf("%.300q:\n got  %+v\n want %+v", doc, *got, want)
	}
}

// The facts types are all ones the quick decoder knows, and the documents
// of the test data take its path.
func TestDecodeDeviceQuickPath(t *testing.T) {
	if _, err := devicePlan(); err != nil {
		t.Fatal(err)
	}
	for i, d := range validDocs(t) {
		checkDecodeDevice(t, d)
		if _, ok := quickDecodeDevice(d); !ok {
			var probe Device
			if json.Unmarshal(d, &probe) == nil {
				t.Errorf("document %d: decodes, but not by the quick decoder", i)
			}
		}
	}
}

func TestDecodeDeviceEdits(t *testing.T) {
	base := string(validDocs(t)[0])
	for _, e := range [][2]string{
		{`"family": "ipv4"`, `"family": "ipv4", "family": "ipv6"`},
		{`"family": "ipv4"`, `"Family": "ipv6"`},
		{`"family": "ipv4"`, `"fam\u0069ly": "ipv6"`},
		{`"family": "ipv4"`, `"family": "\u00e9\ud800x\n"`},
		{`"family": "ipv4"`, "\"family\": \"\xff\""},
		{`"family": "ipv4"`, `"family": 4`},
		{`"family": "ipv4"`, `"family": null`},
		{`"family": "ipv4"`, `"unknown": {"a": [1, 2]}`},
		{`"port": 80`, `"port": 80.0`},
		{`"port": 80`, `"port": 1e2`},
		{`"port": 80`, `"port": -80`},
		{`"port": 80`, `"port": 99999999999999999999`},
		{`"port": 80`, `"port": null`},
		{`"port": 80`, `"port": "80"`},
		{`"ports": [`, `"ports": null, "x": [`},
		{`"ports": [`, `"ports": [], "ports2": [`},
		{`"started_at": "2026-03-01T09:00:00Z"`, `"started_at": "2026-03-01T09:00:00+02:00"`},
		{`"started_at": "2026-03-01T09:00:00Z"`, `"started_at": "yesterday"`},
		{`"started_at": "2026-03-01T09:00:00Z"`, `"started_at": null`},
		{`"scan": {`, `"scan": null, "x": {`},
		{`"identity": {`, `"identity": null, "y": {`},
		{`"collectors": {`, `"collectors": {"x": {}, "x": {}, `},
		{`"collectors": {`, `"collectors": null, "z": {`},
	} {
		if !strings.Contains(base, e[0]) {
			t.Fatalf("fixture has no %q", e[0])
		}
		checkDecodeDevice(t, []byte(strings.Replace(base, e[0], e[1], 1)))
	}
	for _, doc := range []string{"", "null", "{}", "[]", `{"address": "a"} x`, base + "{", "\ufeff" + base, `{"ports": [null, {}]}`} {
		checkDecodeDevice(t, []byte(doc))
	}
}

// FuzzDecodeDevice: DecodeDevice gives json.Unmarshal's document or error.
func FuzzDecodeDevice(f *testing.F) {
	for _, d := range validDocs(f) {
		f.Add(d)
	}
	for _, s := range []string{`{}`, `null`, `{"ports":[{"port":1}],"ports":[{"state":"open"}]}`, `{"collectors":{"a":{"status":"ok"}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		checkDecodeDevice(t, doc)
	})
}
