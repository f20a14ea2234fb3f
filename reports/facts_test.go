package reports

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/internal/testtable"
)

func TestEncodeFacts(t *testing.T) {
	d := fixtureDevices()[0]
	a, err := EncodeFacts(d)
	if err != nil {
		t.Fatal(err)
	}
	b, err := EncodeFacts(d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("EncodeFacts is not deterministic")
	}
	if !bytes.HasSuffix(a, []byte("}\n")) {
		t.Errorf("missing trailing newline: %q", a[len(a)-5:])
	}
	if !bytes.Contains(a, []byte("\n  \"address\": \"127.77.0.10\",\n")) {
		t.Error("not indented with two spaces")
	}
	if _, err := EncodeFacts(nil); err == nil {
		t.Error("EncodeFacts(nil) gave no error")
	}
	golden(t, "facts-127.77.0.10.json", a)
}

func TestFactsFileName(t *testing.T) {
	testtable.Mapping(t, "FactsFileName", FactsFileName, map[string]string{
		"127.77.0.10":      "facts/127.77.0.10.json",
		"::1":              "facts/__1.json",
		"fe80::1%eth0":     "facts/fe80__1%eth0.json",
		"2001:db8::2":      "facts/2001_db8__2.json",
		"../../etc/passwd": "facts/..~2f..~2fetc~2fpasswd.json",
		"..":               "facts/~2e~2e.json",
		"":                 "facts/~.json",
		"10.0.0.1/x":       "facts/10.0.0.1~2fx.json",
		"_x":               "facts/~5fx.json",
		":x":               "facts/_x.json",
	})
}

// TestFactsFileNamesAreUnique: crafted addresses used to share a file
// ("10.0.0.1/x" and "10.0.0.1_x", "_x" and ":x"), so one device's facts
// overwrote another's. Names must differ whenever addresses differ, also on
// a case-insensitive file system, and stay short and inside facts/.
func TestFactsFileNamesAreUnique(t *testing.T) {
	long := strings.Repeat("a", 300)
	inputs := []string{
		"10.0.0.1/x", "10.0.0.1_x", "10.0.0.1:x", "10.0.0.1~x", "10.0.0.1~5fx", "10.0.0.1~2fx",
		"_x", ":x", "~x", "/x", "\\x", "x", "X", "~5fx", "_5fx",
		"", ".", "..", "...", "~2e", "~", "~~", "%", "%2f", "fe80::1", "fe80__1", "FE80::1",
		long, long + "b", long[:199], long[:200], long[:201], long[:150] + "~~",
		"a\x00b", "a\nb", "é", "\xff",
	}
	seen := map[string]string{}
	for _, in := range inputs {
		name := FactsFileName(in)
		key := strings.ToLower(name)
		if prev, dup := seen[key]; dup {
			t.Errorf("FactsFileName(%q) = FactsFileName(%q) = %q", in, prev, name)
		}
		seen[key] = in
		base := strings.TrimPrefix(name, "facts/")
		if base == name || strings.ContainsAny(base, "/\\:") || len(base) > 255 || strings.Trim(strings.TrimSuffix(base, ".json"), ".") == "" {
			t.Errorf("FactsFileName(%q) = %q: not a plain file name inside facts/", in, name)
		}
	}
}

func FuzzFactsFileName(f *testing.F) {
	f.Add("10.0.0.1/x", "10.0.0.1_x")
	f.Add("_x", ":x")
	f.Fuzz(func(t *testing.T, a, b string) {
		na, nb := FactsFileName(a), FactsFileName(b)
		if a != b && strings.EqualFold(na, nb) {
			t.Fatalf("FactsFileName(%q) and FactsFileName(%q) both %q", a, b, na)
		}
		if base := strings.TrimPrefix(na, "facts/"); strings.ContainsAny(base, "/\\") || len(base) > 255 {
			t.Fatalf("FactsFileName(%q) = %q", a, na)
		}
	})
}

// lineOf returns the 1-based line of the first occurrence of s in doc.
func lineOf(t *testing.T, doc []byte, s string) int {
	t.Helper()
	i := bytes.Index(doc, []byte(s))
	if i < 0 {
		t.Fatalf("%q not in document", s)
	}
	return bytes.Count(doc[:i], []byte("\n")) + 1
}

func TestFactLineEncoded(t *testing.T) {
	doc, err := EncodeFacts(fixtureDevices()[0])
	if err != nil {
		t.Fatal(err)
	}
	tlsLine := lineOf(t, doc, `"tls": [`)
	tests := []struct {
		pointer string
		want    int
	}{
		{"/tls/0/versions/tls1_0", lineOf(t, doc, `"tls1_0": true`)},
		{"/tls/0/versions/tls1_3", lineOf(t, doc, `"tls1_3": false`)},
		{"/tls/0/versions", lineOf(t, doc, `"versions": {`)},
		{"/tls", tlsLine},
		{"/tls/0", tlsLine + 1},
		{"/tls/0/versions/ssl3", lineOf(t, doc, `"versions": {`)}, // absent: nearest ancestor
		{"/tls/7/versions", tlsLine},
		{"/snmp/communities_accepted/0", lineOf(t, doc, `"public"`)},
		{"/remote_ui/login_mode", lineOf(t, doc, `"login_mode": "none"`)},
		{"/firmware/advisories/0", lineOf(t, doc, `"advisories": [`) + 1},
		{"/ports/2/port", lineOf(t, doc, `"port": 161`)},
		{"/identity/serial/value", lineOf(t, doc, `"value": "QWE12345"`)},
		{"/nope", 1},
		{"", 1},
		{"no-slash", 1},
	}
	for _, tc := range tests {
		if got := FactLine(doc, tc.pointer); got != tc.want {
			t.Errorf("FactLine(%q) = %d, want %d", tc.pointer, got, tc.want)
		}
	}
}

func TestFactLineEdgeCases(t *testing.T) {
	tests := []struct {
		name, doc, pointer string
		want               int
	}{
		{"escaped slash", "{\n\"a/b\":\n1}", "/a~1b", 2},
		{"escaped tilde", "{\n\"m~n\": 1}", "/m~0n", 2},
		{"tilde one literal", "{\n\"~1\": 1,\n\"/\": 2}", "/~01", 2},
		{"compact", `{"a":{"b":[1,2,{"c":3}]}}`, "/a/b/2/c", 1},
		{"array index leading zero", "[\n1,\n2]", "/01", 1},
		{"array second", "[\n1,\n2]", "/1", 3},
		{"nested arrays", "[\n[\n1,\n2\n],\n[\n3\n]\n]", "/1/0", 7},
		{"key in later sibling only", "{\n\"x\": {\"a\": 1},\n\"y\": {\n\"a\": 2}}", "/y/a", 4},
		{"same key deeper is not a match", "{\n\"x\": {\n\"y\": 1}}", "/y", 1},
		{"scalar root", "42", "/a", 1},
		{"garbage", "{\n\"a\": [tru", "/a/0", 2},
		{"truncated", "{\n\"a\": {\n\"b\"", "/a/b/c", 3},
		{"empty", "", "/a", 1},
		{"not json", "\x00\xff<html>", "/a", 1},
		{"string value with newline escape", "{\"s\": \"x\\ny\",\n\"t\": 1}", "/t", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := FactLine([]byte(tc.doc), tc.pointer); got != tc.want {
				t.Errorf("FactLine(%q, %q) = %d, want %d", tc.doc, tc.pointer, got, tc.want)
			}
		})
	}
}

func TestFactLineDeepInput(t *testing.T) {
	// A pathological nesting depth must neither panic nor hang.
	doc := strings.Repeat("[", 200000) + strings.Repeat("]", 200000)
	if got := FactLine([]byte(doc), "/0/0/0/0/1"); got != 1 {
		t.Errorf("got %d, want 1", got)
	}
}

// addGoldenFactsSeeds seeds a (document, JSON pointer) fuzz target with
// every golden facts document, each paired with every pointer.
func addGoldenFactsSeeds(f *testing.F, pointers ...string) {
	seeds, _ := filepath.Glob(filepath.Join(goldenDir, "facts-*.json"))
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, ptr := range pointers {
			f.Add(b, ptr)
		}
	}
}

func FuzzFactLine(f *testing.F) {
	addGoldenFactsSeeds(f, "/tls/0/versions/tls1_0", "/snmp/communities_accepted/0")
	f.Add([]byte(`{"a":[1,{"b":2}]}`), "/a/1/b")
	f.Add([]byte("{\n\"a~b\": 1}"), "/a~0b")
	f.Fuzz(func(t *testing.T, doc []byte, pointer string) {
		n := FactLine(doc, pointer)
		lines := bytes.Count(doc, []byte("\n")) + 1
		if n < 1 || n > lines {
			t.Fatalf("line %d outside 1..%d", n, lines)
		}
		// On valid JSON, the line of an existing member's key holds it.
		if json.Valid(doc) && n > 1 {
			line := bytes.Split(doc, []byte("\n"))[n-1]
			if len(bytes.TrimSpace(line)) == 0 {
				t.Fatalf("line %d is blank", n)
			}
		}
	})
}
