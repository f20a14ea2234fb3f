package policies

import (
	"bytes"
	"context"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"gopkg.in/yaml.v3"
)

// builtinModules parses every .rego file of the embedded catalogue.
func builtinModules(t *testing.T) map[string]*ast.Module {
	t.Helper()
	modules := map[string]*ast.Module{}
	err := fs.WalkDir(BuiltinFS, "rego", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return err
		}
		src, err := BuiltinFS.ReadFile(p)
		if err != nil {
			return err
		}
		m, err := ast.ParseModuleWithOpts(p, string(src), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		if err != nil {
			return err
		}
		modules[p] = m
		return nil
	})
	if err != nil {
		t.Fatalf("parse catalogue: %v", err)
	}
	if len(modules) == 0 {
		t.Fatal("no .rego files embedded")
	}
	return modules
}

// defaultData reads data/defaults.yaml as the store's root document.
func defaultData(t *testing.T) map[string]any {
	t.Helper()
	src, err := BuiltinFS.ReadFile("data/defaults.yaml")
	if err != nil {
		t.Fatalf("read defaults: %v", err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatalf("parse defaults: %v", err)
	}
	cfg, ok := doc["mfpscan"].(map[string]any)["config"].(map[string]any)
	if !ok {
		t.Fatal("defaults.yaml has no mfpscan.config mapping")
	}
	if _, ok := cfg["min_tls_version"]; !ok {
		t.Fatal("defaults.yaml lacks min_tls_version")
	}
	return doc
}

// TestRegoUnitTests runs the catalogue's own Rego tests through the runner
// of `mfpscan policy test`, sandbox capabilities included.
func TestRegoUnitTests(t *testing.T) {
	var out bytes.Buffer
	passed, failed, err := runTests(context.Background(), builtinModules(t), defaultData(t), &out, TestOptions{})
	if err != nil {
		t.Fatalf("run rego tests: %v", err)
	}
	if failed != 0 {
		t.Errorf("%d Rego tests failed:\n%s", failed, out.String())
	}
	t.Logf("%d Rego tests passed", passed)
}

// ruleModule is a rule package's module with its package annotation.
type ruleModule struct {
	file string
	mod  *ast.Module
	ann  *ast.Annotations
}

func ruleModules(t *testing.T, modules map[string]*ast.Module) []ruleModule {
	t.Helper()
	var rules []ruleModule
	for file, m := range modules {
		if strings.HasSuffix(file, "_test.rego") || !strings.HasPrefix(file, "rego/rules/") {
			continue
		}
		var ann *ast.Annotations
		for _, a := range m.Annotations {
			if a.Scope == "package" {
				ann = a
			}
		}
		rules = append(rules, ruleModule{file: file, mod: m, ann: ann})
	}
	slices.SortFunc(rules, func(a, b ruleModule) int { return strings.Compare(a.file, b.file) })
	return rules
}

func TestCatalogMetadata(t *testing.T) {
	modules := builtinModules(t)
	rules := ruleModules(t, modules)
	if len(rules) < 35 {
		t.Errorf("catalogue has %d rules, want at least 35", len(rules))
	}
	ids := map[string]string{}
	for _, r := range rules {
		if r.ann == nil {
			t.Errorf("%s: no package-scope METADATA", r.file)
			continue
		}
		pkg := strings.TrimPrefix(r.mod.Package.Path.String(), "data.")
		if !strings.HasPrefix(pkg, "mfpscan.rules.") {
			t.Errorf("%s: package %s is not under mfpscan.rules.", r.file, pkg)
		}
		for _, err := range metadataProblems(r.ann) {
			t.Errorf("%s: %s", r.file, err)
		}
		id, _ := r.ann.Custom["id"].(string)
		if prev, dup := ids[id]; dup && id != "" {
			t.Errorf("%s: id %s already used by %s", r.file, id, prev)
		}
		ids[id] = r.file
		if !definesAny(r.mod, "deny", "review", "not_applicable") {
			t.Errorf("%s: defines none of deny, review, not_applicable", r.file)
		}
		checkRuleTests(t, r.file, pkg, modules)
	}
}

// metadataProblems lists what a rule's METADATA lacks under the contract.
func metadataProblems(a *ast.Annotations) []string {
	var problems []string
	if a.Title == "" {
		problems = append(problems, "missing title")
	}
	if a.Description == "" {
		problems = append(problems, "missing description")
	}
	if len(a.RelatedResources) == 0 {
		problems = append(problems, "missing related_resources")
	}
	c := a.Custom
	id, _ := c["id"].(string)
	if !strings.HasPrefix(id, "MFP-") || strings.Count(id, "-") != 2 {
		problems = append(problems, "custom.id "+id+" is not MFP-<AREA>-NNN")
	}
	sev, _ := c["severity"].(string)
	if SeverityRank(sev) == 0 {
		problems = append(problems, "custom.severity "+sev+" not in critical|high|medium|low|info")
	}
	if p := guidePoint(c); p < 1 || p > 10 {
		problems = append(problems, "custom.guide_point not in 1..10")
	}
	for _, key := range []string{"guide_section", "remediation"} {
		if s, _ := c[key].(string); strings.TrimSpace(s) == "" {
			problems = append(problems, "missing custom."+key)
		}
	}
	for _, key := range []string{"vendors", "facts"} {
		if l, _ := c[key].([]any); len(l) == 0 {
			problems = append(problems, "missing custom."+key)
		}
	}
	return problems
}

// guidePoint reads custom.guide_point, which YAML decodes as a number.
func guidePoint(c map[string]any) int {
	switch v := c["guide_point"].(type) {
	case int:
		return v
	case float64:
		return int(v)
	case uint64:
		return int(v)
	}
	return 0
}

func definesAny(m *ast.Module, names ...string) bool {
	for _, r := range m.Rules {
		if slices.Contains(names, headName(r)) {
			return true
		}
	}
	return false
}

// headName is the first segment of a rule's head reference ("deny" for
// "deny contains f").
func headName(r *ast.Rule) string {
	return r.Head.Ref()[0].Value.String()
}

// checkRuleTests requires <name>_test.rego beside the rule, in the rule's
// _test package, with at least three tests.
func checkRuleTests(t *testing.T, file, pkg string, modules map[string]*ast.Module) {
	t.Helper()
	testFile := strings.TrimSuffix(file, ".rego") + "_test.rego"
	m, ok := modules[testFile]
	if !ok {
		t.Errorf("%s: no %s", file, path.Base(testFile))
		return
	}
	if got, want := strings.TrimPrefix(m.Package.Path.String(), "data."), pkg+"_test"; got != want {
		t.Errorf("%s: package %s, want %s", testFile, got, want)
	}
	n := 0
	for _, r := range m.Rules {
		if strings.HasPrefix(headName(r), "test_") {
			n++
		}
	}
	if n < 3 {
		t.Errorf("%s: %d tests, want at least 3 (fail, pass, review or not_applicable)", testFile, n)
	}
}

func TestCatalogCoversGuidePoints(t *testing.T) {
	covered := map[int]bool{}
	for _, r := range ruleModules(t, builtinModules(t)) {
		if r.ann != nil {
			covered[guidePoint(r.ann.Custom)] = true
		}
	}
	for p := 1; p <= 10; p++ {
		if !covered[p] {
			t.Errorf("no rule covers guide key point %d", p)
		}
	}
}
