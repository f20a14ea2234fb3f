package policies

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfile"
)

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func jsonNum(s string) json.Number { return json.Number(s) }

func ruleIDs(e *Engine) []string {
	var ids []string
	for _, r := range e.Rules() {
		ids = append(ids, r.ID)
	}
	return ids
}

func TestCustomPolicyDirectory(t *testing.T) {
	e := loadFixture(t, Options{Policies: []string{"testdata/rules"}})
	// Sorted by guide point (3, 5) then id; the helper package is not a rule.
	if got, want := strings.Join(ruleIDs(e), ","), "TEST-PARAM-001,TEST-STATUS-001"; got != want {
		t.Errorf("rules = %s, want %s", got, want)
	}
	r, _ := e.Rule("TEST-STATUS-001")
	if r.Origin != "testdata/rules" || r.Package != "custom.status" || r.GuidePoint != 5 ||
		r.GuideSection != "Fixture section" || strings.Join(r.NIST, ",") != "CM-7,SC-8" ||
		strings.Join(r.RelatedResources, ",") != "https://example.invalid/status" || !r.Enabled {
		t.Errorf("rule metadata = %+v", r)
	}
}

func TestCustomPolicySingleFile(t *testing.T) {
	e := loadFixture(t, Options{Policies: []string{"testdata/single/telnet.rego"}})
	if got := strings.Join(ruleIDs(e), ","); got != "TEST-FILE-001" {
		t.Fatalf("rules = %s", got)
	}
	rs, err := e.Evaluate(context.Background(), device("192.0.2.7", openPort(23)))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Status != StatusFail || rs[0].Findings[0].Message != "telnet open" {
		t.Errorf("results = %+v", rs)
	}
}

// writeBundle packs testdata/bundle into a .tar.gz the way `opa build`
// lays one out (paths rooted at /).
func writeBundle(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "org-policies.tar.gz")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	root := "testdata/bundle"
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		hdr := &tar.Header{Name: "/" + filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		_, err = tw.Write(body)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []interface{ Close() error }{tw, gz, f} {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestCustomPolicyBundle(t *testing.T) {
	t.Run("tarball", func(t *testing.T) { testBundle(t, writeBundle(t)) })
	t.Run("directory", func(t *testing.T) { testBundle(t, "testdata/bundle") })
}

func testBundle(t *testing.T, path string) {
	e := loadFixture(t, Options{Policies: []string{path, "testdata/rules"}})
	if got, want := strings.Join(ruleIDs(e), ","), "TEST-PARAM-001,TEST-BUNDLE-001,TEST-STATUS-001"; got != want {
		t.Errorf("rules = %s, want %s", got, want)
	}
	r, _ := e.Rule("TEST-BUNDLE-001")
	if r.Origin != path || r.Package != "bundled.cleartext" {
		t.Errorf("bundle rule = %+v", r)
	}
	two := device("192.0.2.8", func(d *facts.Device) {
		d.Cleartext = []facts.CleartextService{{Service: "ftp", Port: 21}, {Service: "telnet", Port: 23}}
	})
	one := device("192.0.2.9", func(d *facts.Device) {
		d.Cleartext = []facts.CleartextService{{Service: "ftp", Port: 21}}
	})
	rs, err := e.EvaluateAll(context.Background(), []*facts.Device{two, one}, 2)
	if err != nil {
		t.Fatal(err)
	}
	// The bundle's data.json (limit 1) is in the store.
	var got []string
	for _, r := range rs {
		if r.RuleID == "TEST-BUNDLE-001" {
			got = append(got, r.Address+"="+string(r.Status))
		}
	}
	if strings.Join(got, " ") != "192.0.2.8=fail 192.0.2.9=pass" {
		t.Errorf("bundle results = %v", got)
	}
}

// fileLine matches the file:line prefix a policy author needs.
func fileLine(file string) *regexp.Regexp {
	return regexp.MustCompile(regexp.QuoteMeta(file) + `:\d+: `)
}

func TestRejectedPolicies(t *testing.T) {
	tests := []struct {
		name   string
		paths  []string
		schema []byte
		want   []string
		line   string // file whose file:line must appear
	}{
		{name: "http.send", paths: []string{"testdata/bad/httpsend"},
			want: []string{"undefined function http.send", "http.send is disabled in mfpscan policies"}, line: "testdata/bad/httpsend/rule.rego"},
		{name: "net.lookup_ip_addr", paths: []string{"testdata/bad/netlookup"},
			want: []string{"undefined function net.lookup_ip_addr"}, line: "testdata/bad/netlookup/rule.rego"},
		{name: "misspelled fact, small schema", paths: []string{"testdata/bad/schematypo"}, schema: testfile.Read(t, "testdata/schema.json"),
			want: []string{"rego_type_error", "version1"}, line: "testdata/bad/schematypo/rule.rego"},
		{name: "misspelled fact, facts schema", paths: []string{"testdata/bad/schematypo"}, schema: facts.SchemaJSON,
			want: []string{"rego_type_error", "version1"}, line: "testdata/bad/schematypo/rule.rego"},
		{name: "duplicate id", paths: []string{"testdata/bad/dupid"},
			want: []string{"duplicate rule id TEST-DUP-001", "a.rego", "b.rego"}},
		{name: "missing metadata", paths: []string{"testdata/bad/missingmeta"},
			want: []string{"custom.severity", "custom.remediation"}, line: "testdata/bad/missingmeta/rule.rego"},
		{name: "bad severity", paths: []string{"testdata/bad/badseverity"},
			want: []string{`severity "urgent"`}, line: "testdata/bad/badseverity/rule.rego"},
		{name: "guide point out of range", paths: []string{"testdata/bad/badpoint"},
			want: []string{"guide_point 11"}, line: "testdata/bad/badpoint/rule.rego"},
		{name: "rule sets without metadata", paths: []string{"testdata/bad/nometa"},
			want: []string{"bad.nometa", "no package-scope METADATA", "testdata/bad/nometa/rule.rego"}},
		{name: "rego v0 syntax", paths: []string{"testdata/bad/syntax"},
			want: []string{"rego_parse_error"}, line: "testdata/bad/syntax/rule.rego"},
		{name: "rule without sets", paths: []string{"testdata/bad/nosets"},
			want: []string{"testdata/bad/nosets/rule.rego", "TEST-NOSETS-001 defines none of deny"}},
		{name: "strict mode", paths: []string{"testdata/bad/strict"},
			want: []string{"unused"}, line: "testdata/bad/strict/rule.rego"},
		{name: "missing path", paths: []string{"testdata/nope"}, want: []string{"testdata/nope"}},
		{name: "unsupported file", paths: []string{"testdata/schema.json"}, want: []string{"want a directory, a .rego file or a .tar.gz bundle"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(context.Background(), Options{NoBuiltin: true, Policies: tt.paths, InputSchema: tt.schema})
			if err == nil {
				t.Fatal("Load succeeded, want error")
			}
			t.Logf("error: %v", err)
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if tt.line != "" && !fileLine(tt.line).MatchString(err.Error()) {
				t.Errorf("error lacks %s:<line>:\n%v", tt.line, err)
			}
		})
	}
}

func TestSchemaTypedRuleCompiles(t *testing.T) {
	for name, schema := range map[string][]byte{"small": testfile.Read(t, "testdata/schema.json"), "facts": facts.SchemaJSON} {
		e, err := Load(context.Background(), Options{NoBuiltin: true, Policies: []string{"testdata/bad/schemaok"}, InputSchema: schema})
		if err != nil {
			t.Fatalf("%s schema: correctly spelled fact rejected: %v", name, err)
		}
		rs, err := e.Evaluate(context.Background(), device("192.0.2.1", withSNMP(facts.Bool(true), nil)))
		if err != nil || len(rs) != 1 || rs[0].Status != StatusFail {
			t.Errorf("%s schema: results %+v, err %v", name, rs, err)
		}
	}
	// The embedded facts schema is the default.
	_, err := Load(context.Background(), Options{NoBuiltin: true, Policies: []string{"testdata/bad/schematypo"}})
	if err == nil || !fileLine("testdata/bad/schematypo/rule.rego").MatchString(err.Error()) {
		t.Errorf("default schema: typo not reported with file:line: %v", err)
	}
	// A broken schema is an error, not a silently unchecked policy.
	_, err = Load(context.Background(), Options{NoBuiltin: true, Policies: []string{"testdata/bad/schemaok"}, InputSchema: []byte("{")})
	if err == nil || !strings.Contains(err.Error(), "parse input schema") {
		t.Errorf("broken schema: err = %v", err)
	}
}

func TestCapabilitiesExcludeNetwork(t *testing.T) {
	for _, b := range Capabilities().Builtins {
		if b.Name == "http.send" || b.Name == "net.lookup_ip_addr" {
			t.Errorf("capability %s not removed", b.Name)
		}
	}
	// Sanity: ordinary builtins stay.
	found := false
	for _, b := range Capabilities().Builtins {
		found = found || b.Name == "sprintf"
	}
	if !found {
		t.Error("sprintf missing from capabilities")
	}
}

func TestBuiltinCatalogueLoads(t *testing.T) {
	e, err := Load(context.Background(), Options{InputSchema: facts.SchemaJSON})
	if err != nil {
		t.Fatalf("Load built-in catalogue: %v", err)
	}
	rules := e.Rules()
	if len(rules) == 0 {
		t.Fatal("built-in catalogue is empty")
	}
	for _, r := range rules {
		if r.Origin != OriginBuiltin {
			t.Errorf("%s: origin %q, want builtin", r.ID, r.Origin)
		}
	}
	rs, err := e.Evaluate(context.Background(), device("192.0.2.1", nil))
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	if len(rs) != len(rules) {
		t.Errorf("%d results for %d enabled rules", len(rs), len(rules))
	}
	// Custom rules sit beside the built-ins.
	e2, err := Load(context.Background(), Options{Policies: []string{"testdata/single/telnet.rego"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(e2.Rules()) != len(rules)+1 {
		t.Errorf("with one custom rule: %d rules, want %d", len(e2.Rules()), len(rules)+1)
	}
}
