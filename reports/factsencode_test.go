package reports

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/facts"
)

// checkAppendDevice fails when appendDevice's bytes differ from
// json.Marshal's, appendDeviceIndented's from json.MarshalIndent's, and
// when EncodeFacts differs from the json.MarshalIndent it replaced.
func checkAppendDevice(t *testing.T, d *facts.Device) bool {
	t.Helper()
	want, err := json.Marshal(d)
	if err != nil {
		t.Skip(err)
	}
	got, ok := appendDevice([]byte("x"), d)
	if ok && !bytes.Equal(got, append([]byte("x"), want...)) {
		t.Fatalf("\n got  %s\n want x%s", got, want)
	}
	wantIndented, _ := json.MarshalIndent(d, "", "  ")
	if got, okIndented := appendDeviceIndented(nil, d); okIndented != ok || (ok && !bytes.Equal(got, wantIndented)) {
		t.Fatalf("indented (ok %v, compact ok %v):\n got  %s\n want %s", okIndented, ok, got, wantIndented)
	}
	text, err := EncodeFacts(d)
	wantText, _ := json.MarshalIndent(d, "", "  ")
	if err == nil && !bytes.Equal(text, append(wantText, '\n')) {
		t.Fatalf("EncodeFacts:\n got  %s\n want %s", text, wantText)
	}
	return ok
}

func factsSeeds(t testing.TB) [][]byte {
	t.Helper()
	var out [][]byte
	for _, p := range []string{"testdata/facts-127.77.0.10.json", "../testdata/reports/facts-127.77.0.10.json",
		"../bench/collect/internal/factcount/testdata/facts-web-server.json",
		"../bench/collect/internal/factcount/testdata/facts-ir-adv-factory.json"} {
		if b, err := os.ReadFile(p); err == nil {
			out = append(out, b)
		}
	}
	b, err := os.ReadFile("../policies/testdata/input/gen-n50-seed7.json")
	if err != nil {
		t.Fatal(err)
	}
	var fleet []json.RawMessage
	if err := json.Unmarshal(b, &fleet); err != nil {
		t.Fatal(err)
	}
	for _, d := range fleet {
		out = append(out, d)
	}
	return out
}

// The facts of the test data encode by the plan, with json.Marshal's bytes;
// so do hostile strings and times with zones and fractions.
func TestAppendDevice(t *testing.T) {
	if _, err := deviceEncodePlan(); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, raw := range factsSeeds(t) {
		var d facts.Device
		if json.Unmarshal(raw, &d) != nil {
			continue
		}
		n++
		if !checkAppendDevice(t, &d) {
			t.Errorf("%s: not encoded by the plan", d.Address)
		}
	}
	if n < 40 {
		t.Errorf("only %d documents", n)
	}
	hostile := &facts.Device{Address: "<a>&\u2028\xff\x00\"\\", ReverseDNS: "é\U0001F600",
		Scan:       &facts.Scan{StartedAt: time.Date(2026, 1, 2, 3, 4, 5, 600, time.FixedZone("x", 5400)), Targets: []string{}},
		Collectors: map[string]facts.CollectorStatus{"b": {}, "a\u2029": {}, "": {}}}
	if !checkAppendDevice(t, hostile) {
		t.Error("hostile document not encoded by the plan")
	}
	far := &facts.Device{Scan: &facts.Scan{StartedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}
	if _, ok := appendDevice(nil, far); ok {
		t.Error("a year json.Marshal refuses was encoded")
	}
	checkAppendDevice(t, &facts.Device{})
}

// FuzzAppendDevice: for any document that decodes, appendDevice writes
// json.Marshal's bytes or says no.
func FuzzAppendDevice(f *testing.F) {
	for _, s := range factsSeeds(f) {
		f.Add(s)
	}
	f.Add([]byte(`{"address":"\u003c\ud800\u2028","collectors":{"z":{},"a":{}},"ports":[]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		var d facts.Device
		if json.Unmarshal(doc, &d) != nil {
			return
		}
		checkAppendDevice(t, &d)
	})
}
