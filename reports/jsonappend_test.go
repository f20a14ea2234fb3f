package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/internal/jsonany"
	"github.com/mfpscan/mfpscan/policies"
)

var appendStrings = []string{
	"", "a", `<script>&"'\`, "\x00\x01\x1f\x7f", "\b\f\n\r\t", "\xff\xfe", "é\u2028\u2029ü", "\U0001F600", "a\xc3",
}

// resultFrom builds a result whose every field is picked by flags, with
// the strings s and t and the evidence decoded from ev.
func resultFrom(flags uint16, s, t string, ev []byte) policies.Result {
	r := policies.Result{RuleID: s, Address: t, DeviceID: s + t, Status: policies.Status(t), Severity: s}
	pick := func(bit uint16) bool { return flags&(1<<bit) != 0 }
	if pick(0) {
		f := policies.Finding{Message: s}
		if pick(1) {
			f.Fact = t
		}
		if v, ok := jsonany.Decode(ev); ok {
			if m, ok := v.(map[string]any); ok {
				f.Evidence = m
			} else if pick(2) {
				f.Evidence = map[string]any{"value": v, t: s}
			}
		}
		if pick(3) {
			f.Severity = t
		}
		if pick(4) {
			f.Related = &policies.Ref{RuleID: s, Fingerprint: t}
		}
		if pick(5) {
			f.Consequences = []policies.Ref{{RuleID: t, Fact: s, Fingerprint: s}, {RuleID: s}}
		}
		r.Findings = append(r.Findings, f, policies.Finding{})
	}
	if pick(6) {
		r.Reasons = []string{s, t}
	}
	if pick(7) {
		r.Reasons = []string{}
	}
	if pick(8) {
		r.Related = []policies.Ref{{RuleID: s, Fact: t, Fingerprint: s}}
	}
	if pick(9) {
		r.Waiver = &policies.Waiver{Rule: s, Reason: t}
	}
	if pick(10) {
		r.Findings = []policies.Finding{}
	}
	return r
}

// FuzzAppendResult: appendResult writes json.Marshal's bytes, or says no.
func FuzzAppendResult(f *testing.F) {
	for i, s := range appendStrings {
		f.Add(uint16(i*0x155), s, appendStrings[(i+1)%len(appendStrings)], []byte(`{"a":[1,-2.5e3,"<x>",null,true,{"z":{},"b":[]}],"":"\u2028"}`))
		f.Add(uint16(0xffff>>i), s, "x", []byte(`[1,2]`))
	}
	f.Add(uint16(0x1ff), "a", "b", []byte(`{"n":01}`))
	f.Add(uint16(0x1ff), "a", "b", []byte(`{"deep":`+string(bytes.Repeat([]byte(`[`), 300))+string(bytes.Repeat([]byte(`]`), 300))+`}`))
	f.Fuzz(func(t *testing.T, flags uint16, s, u string, ev []byte) {
		r := resultFrom(flags, s, u, ev)
		compareAppend(t, &r, func(b []byte) ([]byte, bool) { return appendResult(b, &r) })
	})
}

// compareAppend checks an appender against json.Marshal, and that the
// element writers' path (appendCompact) gives json.Marshal's bytes either
// way.
func compareAppend(t *testing.T, v any, appender func([]byte) ([]byte, bool)) {
	t.Helper()
	want, err := json.Marshal(v)
	if err != nil {
		t.Skip(err)
	}
	prefix := []byte("prefix")
	got, ok := appender(bytes.Clone(prefix))
	if ok && !bytes.Equal(got, append(prefix, want...)) {
		t.Fatalf("\n got  %s\n want %s%s", got, prefix, want)
	}
	got, err = appendCompact(bytes.Clone(prefix), v)
	if err != nil || !bytes.Equal(got, append(prefix, want...)) {
		t.Fatalf("appendCompact: %v\n got  %s\n want %s%s", err, got, prefix, want)
	}
}

func intPtr(i int) *int { return &i }

// sarifResultFrom builds a SARIF result whose every optional part is
// picked by flags.
func sarifResultFrom(flags uint32, s, t string, n int) *sarifResult {
	pick := func(bit uint32) bool { return flags&(1<<bit) != 0 }
	sr := &sarifResult{Message: sarifMessage{}}
	if pick(0) {
		sr.RuleID = s
	}
	if pick(1) {
		sr.RuleIndex = intPtr(n)
	}
	if pick(2) {
		sr.Kind = t
	}
	if pick(3) {
		sr.Level = s
	}
	if pick(4) {
		sr.Message.Text = t
	}
	if pick(5) {
		sr.Message.Markdown = s
	}
	loc := func(bits uint32) *sarifLocation {
		l := &sarifLocation{}
		if bits&1 != 0 {
			l.ID = intPtr(n)
		}
		if bits&2 != 0 {
			l.PhysicalLocation = &sarifPhysicalLocation{}
			if bits&4 != 0 {
				l.PhysicalLocation.ArtifactLocation = &sarifArtifactLocation{}
				if bits&8 != 0 {
					l.PhysicalLocation.ArtifactLocation.URI = s
				}
				if bits&16 != 0 {
					l.PhysicalLocation.ArtifactLocation.Index = intPtr(-n)
				}
			}
			if bits&32 != 0 {
				l.PhysicalLocation.Region = &sarifRegion{StartLine: n}
			}
		}
		if bits&64 != 0 {
			l.Message = &sarifMessage{Text: t}
		}
		return l
	}
	if pick(6) {
		sr.Locations = []*sarifLocation{loc(flags >> 16), loc(^flags >> 16)}
	}
	if pick(7) {
		sr.RelatedLocations = []*sarifLocation{loc(flags >> 20), nil}
	}
	if pick(8) {
		sr.Locations = []*sarifLocation{}
	}
	if pick(9) {
		sr.PartialFingerprints = map[string]string{s: t, "z": s}
	}
	if pick(10) {
		sr.Fingerprints = map[string]string{}
	}
	if pick(11) {
		sr.Fingerprints = map[string]string{"mfpscan/v1": s}
	}
	if pick(12) {
		sr.Suppressions = []*sarifSuppressed{{Kind: s}, {Kind: "external", Status: t, Justification: s}, nil}
	}
	if pick(13) {
		sr.BaselineState = t
	}
	if pick(14) {
		sr.Properties = map[string]any{"address": s, "guide_point": n, t: s,
			"related": []map[string]string{{"rule_id": s, "fact": t}}, "consequences": []map[string]string{}}
	}
	if pick(15) {
		sr.Properties = map[string]any{"x": 1.5}
	}
	return sr
}

// FuzzAppendSARIFResult: appendSARIFResult writes json.Marshal's bytes, or
// says no.
func FuzzAppendSARIFResult(f *testing.F) {
	for i, s := range appendStrings {
		f.Add(uint32(0xffffffff)>>i, s, appendStrings[(i+3)%len(appendStrings)], i*7)
		f.Add(uint32(0x55555555)<<i, s, "x", -i)
	}
	f.Fuzz(func(t *testing.T, flags uint32, s, u string, n int) {
		sr := sarifResultFrom(flags, s, u, n)
		compareAppend(t, sr, func(b []byte) ([]byte, bool) { return appendSARIFResult(b, sr) })
	})
}

// The appenders take the results the writers meet: a failing result with
// evidence and a related finding, a SARIF result with every part.
func TestAppendersTakeUsualValues(t *testing.T) {
	r := resultFrom(0x1ff, "MFP-TLS-001", "10.0.0.1", []byte(`{"versions":["tls1_0"],"port":443}`))
	if _, ok := appendResult(nil, &r); !ok {
		t.Error("appendResult refused a usual result")
	}
	compareAppend(t, &r, func(b []byte) ([]byte, bool) { return appendResult(b, &r) })
	sr := sarifResultFrom(0x7fff|0xffff0000, "MFP-TLS-001", "fail", 12)
	if _, ok := appendSARIFResult(nil, sr); !ok {
		t.Error("appendSARIFResult refused a usual result")
	}
	compareAppend(t, sr, func(b []byte) ([]byte, bool) { return appendSARIFResult(b, sr) })
	w := resultFrom(0x200, "a", "b", nil)
	if _, ok := appendResult(nil, &w); ok {
		t.Error("appendResult took a waiver")
	}
}

// evidenceTextFmt is evidenceText as it was, with fmt for every value.
func evidenceTextFmt(ev map[string]any) string {
	if len(ev) == 0 {
		return ""
	}
	keys := sortedKeys(ev)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%v", k, ev[k]))
	}
	return strings.Join(parts, ", ")
}

// FuzzEvidenceText: evidenceText reads as fmt's %v did.
func FuzzEvidenceText(f *testing.F) {
	f.Add([]byte(`{"b":"x","a":1.5e3,"c":true,"d":null,"e":[1,"y",{"z":false}],"f":{"g":"h"},"":""}`))
	f.Add([]byte(`{"versions":["tls1_0","tls1_1"],"port":443}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		v, ok := jsonany.Decode(doc)
		if !ok {
			return
		}
		m, ok := v.(map[string]any)
		if !ok {
			m = map[string]any{"value": v, "flag": len(doc)%2 == 0, "s": string(doc)}
		}
		if got, want := evidenceText(m), evidenceTextFmt(m); got != want {
			t.Fatalf("\n got  %q\n want %q", got, want)
		}
	})
}
