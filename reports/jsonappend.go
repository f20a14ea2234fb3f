package reports

import (
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/mfpscan/mfpscan/internal/jsonany"
	"github.com/mfpscan/mfpscan/policies"
)

// The per-device elements of findings.json (policies.Result) and of SARIF
// (sarifResult) are encoded by hand: encoding/json reflects over every
// field and sorts every map, and that was most of the two writers' CPU.
// The appenders give json.Marshal's bytes (FuzzAppendResult and
// FuzzAppendSARIFResult compare them) for the values mfpscan builds, and
// say no (ok false) for anything else, a waiver or an evidence value of
// another type: the caller then uses json.Marshal.

// jsonHex is encoding/json's hexadecimal alphabet for \u escapes.
const jsonHex = "0123456789abcdef"

// appendJSONString appends s quoted as json.Marshal quotes it: HTML
// characters escaped, invalid UTF-8 replaced by \ufffd, U+2028 and U+2029
// escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', jsonHex[c>>4], jsonHex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', jsonHex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendKey appends a member name and its colon, after a comma unless the
// member is the first.
func appendKey(b []byte, first bool, key string) []byte {
	if !first {
		b = append(b, ',')
	}
	b = appendJSONString(b, key)
	return append(b, ':')
}

// appendAnyJSON appends the JSON-like value v (what evidence holds: the Go
// values of decoded JSON, and the few types reports put in properties);
// false for any other type, or a json.Number that is not a number.
func appendAnyJSON(b []byte, v any, depth int) ([]byte, bool) {
	if depth > jsonany.MaxDepth {
		return b, false
	}
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), true
	case string:
		return appendJSONString(b, x), true
	case bool:
		return strconv.AppendBool(b, x), true
	case int:
		return strconv.AppendInt(b, int64(x), 10), true
	case json.Number:
		if end, ok := jsonany.NumberEnd([]byte(x), 0); !ok || end != len(x) {
			return b, false
		}
		return append(b, x...), true
	case []any:
		return appendArray(b, x, func(b []byte, e any) ([]byte, bool) {
			return appendAnyJSON(b, e, depth+1)
		})
	case []string:
		return appendArray(b, x, always(appendJSONString))
	case map[string]any:
		if x == nil {
			return append(b, "null"...), true
		}
		b = append(b, '{')
		for i, k := range sortedKeys(x) {
			b = appendKey(b, i == 0, k)
			var ok bool
			if b, ok = appendAnyJSON(b, x[k], depth+1); !ok {
				return b, false
			}
		}
		return append(b, '}'), true
	case map[string]string:
		return appendStringMap(b, x), true
	case []map[string]string:
		return appendArray(b, x, always(appendStringMap))
	}
	return b, false
}

// appendArray appends s as json.Marshal writes a slice (null when nil),
// each element by elem; false as soon as elem says no.
func appendArray[E any](b []byte, s []E, elem func([]byte, E) ([]byte, bool)) ([]byte, bool) {
	if s == nil {
		return append(b, "null"...), true
	}
	b = append(b, '[')
	for i, e := range s {
		if i > 0 {
			b = append(b, ',')
		}
		var ok bool
		if b, ok = elem(b, e); !ok {
			return b, false
		}
	}
	return append(b, ']'), true
}

// always adapts an appender that cannot say no to appendArray.
func always[E any](f func([]byte, E) []byte) func([]byte, E) ([]byte, bool) {
	return func(b []byte, e E) ([]byte, bool) { return f(b, e), true }
}

func appendStringMap(b []byte, m map[string]string) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	b = append(b, '{')
	for i, k := range sortedKeys(m) {
		b = appendKey(b, i == 0, k)
		b = appendJSONString(b, m[k])
	}
	return append(b, '}')
}

// sortedKeys are m's keys in the order encoding/json writes them.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// appendRef appends a policies.Ref.
func appendRef(b []byte, r policies.Ref) []byte {
	b = append(b, `{"rule_id":`...)
	b = appendJSONString(b, r.RuleID)
	if r.Fact != "" {
		b = append(b, `,"fact":`...)
		b = appendJSONString(b, r.Fact)
	}
	b = append(b, `,"fingerprint":`...)
	b = appendJSONString(b, r.Fingerprint)
	return append(b, '}')
}

func appendRefs(b []byte, key string, refs []policies.Ref) []byte {
	if len(refs) == 0 {
		return b
	}
	b, _ = appendArray(append(b, key...), refs, always(appendRef))
	return b
}

// appendResult appends json.Marshal(r); false for a result with a waiver
// or evidence of a type appendAnyJSON does not know.
func appendResult(b []byte, r *policies.Result) ([]byte, bool) {
	if r.Waiver != nil {
		return b, false
	}
	b = append(b, `{"rule_id":`...)
	b = appendJSONString(b, r.RuleID)
	b = append(b, `,"address":`...)
	b = appendJSONString(b, r.Address)
	b = append(b, `,"device_id":`...)
	b = appendJSONString(b, r.DeviceID)
	b = append(b, `,"status":`...)
	b = appendJSONString(b, string(r.Status))
	b = append(b, `,"severity":`...)
	b = appendJSONString(b, r.Severity)
	if len(r.Findings) > 0 {
		var ok bool
		if b, ok = appendArray(append(b, `,"findings":`...), r.Findings, appendFinding); !ok {
			return b, false
		}
	}
	if len(r.Reasons) > 0 {
		b = append(b, `,"reasons":`...)
		b, _ = appendAnyJSON(b, r.Reasons, 0)
	}
	b = appendRefs(b, `,"related":`, r.Related)
	return append(b, '}'), true
}

func appendFinding(b []byte, f policies.Finding) ([]byte, bool) {
	b = append(b, `{"message":`...)
	b = appendJSONString(b, f.Message)
	if f.Fact != "" {
		b = append(b, `,"fact":`...)
		b = appendJSONString(b, f.Fact)
	}
	if len(f.Evidence) > 0 {
		b = append(b, `,"evidence":`...)
		var ok bool
		if b, ok = appendAnyJSON(b, f.Evidence, 0); !ok {
			return b, false
		}
	}
	if f.Severity != "" {
		b = append(b, `,"severity":`...)
		b = appendJSONString(b, f.Severity)
	}
	if f.Related != nil {
		b = append(b, `,"related":`...)
		b = appendRef(b, *f.Related)
	}
	b = appendRefs(b, `,"consequences":`, f.Consequences)
	return append(b, '}'), true
}

// appendSARIFResult appends json.Marshal(sr); false when a property value
// is of a type appendAnyJSON does not know.
func appendSARIFResult(b []byte, sr *sarifResult) ([]byte, bool) {
	b = append(b, '{')
	first := true
	str := func(key, v string) {
		if v != "" {
			b = appendKey(b, first, key)
			b = appendJSONString(b, v)
			first = false
		}
	}
	str("ruleId", sr.RuleID)
	if sr.RuleIndex != nil {
		b = appendKey(b, first, "ruleIndex")
		b = strconv.AppendInt(b, int64(*sr.RuleIndex), 10)
		first = false
	}
	str("kind", sr.Kind)
	str("level", sr.Level)
	b = appendKey(b, first, "message")
	b = appendSARIFMessage(b, &sr.Message)
	b = appendSARIFLocations(b, `,"locations":`, sr.Locations)
	b = appendSARIFLocations(b, `,"relatedLocations":`, sr.RelatedLocations)
	if len(sr.PartialFingerprints) > 0 {
		b = append(b, `,"partialFingerprints":`...)
		b = appendStringMap(b, sr.PartialFingerprints)
	}
	if len(sr.Fingerprints) > 0 {
		b = append(b, `,"fingerprints":`...)
		b = appendStringMap(b, sr.Fingerprints)
	}
	if len(sr.Suppressions) > 0 {
		b, _ = appendArray(append(b, `,"suppressions":`...), sr.Suppressions, always(appendSARIFSuppression))
	}
	if sr.BaselineState != "" {
		b = append(b, `,"baselineState":`...)
		b = appendJSONString(b, sr.BaselineState)
	}
	if len(sr.Properties) > 0 {
		b = append(b, `,"properties":`...)
		var ok bool
		if b, ok = appendAnyJSON(b, sr.Properties, 0); !ok {
			return b, false
		}
	}
	return append(b, '}'), true
}

func appendSARIFSuppression(b []byte, s *sarifSuppressed) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"kind":`...)
	b = appendJSONString(b, s.Kind)
	if s.Status != "" {
		b = append(b, `,"status":`...)
		b = appendJSONString(b, s.Status)
	}
	if s.Justification != "" {
		b = append(b, `,"justification":`...)
		b = appendJSONString(b, s.Justification)
	}
	return append(b, '}')
}

func appendSARIFMessage(b []byte, m *sarifMessage) []byte {
	b = append(b, '{')
	if m.Text != "" {
		b = append(b, `"text":`...)
		b = appendJSONString(b, m.Text)
	}
	if m.Markdown != "" {
		b = appendKey(b, m.Text == "", "markdown")
		b = appendJSONString(b, m.Markdown)
	}
	return append(b, '}')
}

func appendSARIFLocations(b []byte, key string, locs []*sarifLocation) []byte {
	if len(locs) == 0 {
		return b
	}
	b, _ = appendArray(append(b, key...), locs, always(appendSARIFLocation))
	return b
}

func appendSARIFLocation(b []byte, l *sarifLocation) []byte {
	if l == nil {
		return append(b, "null"...)
	}
	b = append(b, '{')
	first := true
	if l.ID != nil {
		b = append(b, `"id":`...)
		b = strconv.AppendInt(b, int64(*l.ID), 10)
		first = false
	}
	if p := l.PhysicalLocation; p != nil {
		b = appendKey(b, first, "physicalLocation")
		first = false
		b = append(b, '{')
		if a := p.ArtifactLocation; a != nil {
			b = append(b, `"artifactLocation":{`...)
			if a.URI != "" {
				b = append(b, `"uri":`...)
				b = appendJSONString(b, a.URI)
			}
			if a.Index != nil {
				b = appendKey(b, a.URI == "", "index")
				b = strconv.AppendInt(b, int64(*a.Index), 10)
			}
			b = append(b, '}')
		}
		if r := p.Region; r != nil {
			b = appendKey(b, p.ArtifactLocation == nil, "region")
			b = append(b, '{')
			if r.StartLine != 0 {
				b = append(b, `"startLine":`...)
				b = strconv.AppendInt(b, int64(r.StartLine), 10)
			}
			b = append(b, '}')
		}
		b = append(b, '}')
	}
	if l.Message != nil {
		b = appendKey(b, first, "message")
		b = appendSARIFMessage(b, l.Message)
	}
	return append(b, '}')
}
