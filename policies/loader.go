package policies

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/loader"

	"github.com/mfpscan/mfpscan/policies/internal/query"
)

// OriginBuiltin marks catalogue rules embedded in the binary.
const OriginBuiltin = "builtin"

// builtinPrefix keeps embedded module names apart from custom files that
// happen to share a relative path.
const builtinPrefix = "builtin:"

// sources is everything Load reads before compiling.
type sources struct {
	modules     map[string]*ast.Module
	origins     map[string]string // module name → "builtin" or the policy path
	builtinData map[string]any
	bundleData  []namedDoc
	// verify, when set, is the key every custom policy bundle must be
	// signed with (Options.BundleKey).
	verify *bundle.VerificationConfig
}

// namedDoc is a data document with the file it came from, for errors.
type namedDoc struct {
	name string
	doc  map[string]any
}

func loadSources(opts Options) (*sources, error) {
	src := &sources{modules: map[string]*ast.Module{}, origins: map[string]string{}}
	if opts.BundleKey != nil {
		vc, err := opts.BundleKey.config()
		if err != nil {
			return nil, err
		}
		src.verify = vc
	}
	if !opts.NoBuiltin {
		mods, err := loadBuiltinModules(false)
		if err != nil {
			return nil, err
		}
		for name, m := range mods {
			src.add(builtinPrefix+name, m, OriginBuiltin)
		}
		if src.builtinData, err = builtinDefaults(); err != nil {
			return nil, err
		}
	}
	for _, p := range opts.Policies {
		if err := src.loadPolicyPath(p); err != nil {
			return nil, err
		}
	}
	return src, nil
}

// custom names the modules that are not part of the embedded catalogue.
func (s *sources) custom() map[string]bool {
	out := map[string]bool{}
	for name, origin := range s.origins {
		if origin != OriginBuiltin {
			out[name] = true
		}
	}
	return out
}

func (s *sources) add(name string, m *ast.Module, origin string) {
	s.modules[name] = m
	s.origins[name] = origin
}

// loadBuiltinModules parses the embedded catalogue; withTests adds the
// *_test.rego files.
func loadBuiltinModules(withTests bool) (map[string]*ast.Module, error) {
	res, err := regoLoader().WithFS(BuiltinFS).Filtered([]string{"rego"}, regoFilter(withTests))
	if err != nil {
		return nil, loaderError("load built-in policies", err)
	}
	return res.ParsedModules(), nil
}

func regoLoader() loader.FileLoader {
	return loader.NewFileLoader().
		WithProcessAnnotation(true).
		WithRegoVersion(ast.RegoV1).
		WithCapabilities(Capabilities())
}

// regoFilter keeps .rego files (and, when asked, their tests) and skips the
// data files a policy directory may hold beside them.
func regoFilter(withTests bool) loader.Filter {
	return func(_ string, info fs.FileInfo, _ int) bool {
		if info.IsDir() {
			return false
		}
		name := info.Name()
		if !strings.HasSuffix(name, ".rego") {
			return true
		}
		return !withTests && strings.HasSuffix(name, "_test.rego")
	}
}

// loadPolicyPath loads one --policy argument: a directory, a .rego file or
// an OPA bundle tarball.
func (s *sources) loadPolicyPath(p string) error {
	info, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("load policy %s: %w", p, err)
	}
	switch {
	case s.verify != nil && !isBundleFile(p):
		return fmt.Errorf("load policy %s: with a verification key every policy must be a signed .tar.gz bundle", p)
	case isBundleFile(p) && !info.IsDir():
		if err := checkBundle(p); err != nil {
			return err
		}
		return s.loadBundle(p)
	case info.IsDir():
		if err := checkPolicyTree(p, hasManifest(p)); err != nil {
			return err
		}
	case strings.HasSuffix(p, ".rego"):
		if err := checkRegular("load policy", p, info, maxPolicyFile); err != nil {
			return err
		}
	}
	switch {
	case isBundleFile(p) && !info.IsDir():
		return s.loadBundle(p)
	case info.IsDir() && hasManifest(p):
		// An unpacked bundle: load it as one so its data comes along.
		return s.loadBundle(p)
	case info.IsDir(), strings.HasSuffix(p, ".rego"):
		res, err := regoLoader().Filtered([]string{p}, regoFilter(false))
		if err != nil {
			return loaderError("load policy "+p, err)
		}
		mods := res.ParsedModules()
		if len(mods) == 0 {
			return fmt.Errorf("load policy %s: no .rego files found", p)
		}
		for name, m := range mods {
			if err := s.addCustom(name, m, p); err != nil {
				return err
			}
		}
		return nil
	default:
		return fmt.Errorf("load policy %s: want a directory, a .rego file or a .tar.gz bundle", p)
	}
}

func hasManifest(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, ".manifest"))
	return err == nil
}

func isBundleFile(p string) bool {
	return strings.HasSuffix(p, ".tar.gz") || strings.HasSuffix(p, ".tgz")
}

// reservedPackage is the namespace of the embedded catalogue (rules, lib,
// config data). A custom module inside it could redefine or extend a
// built-in package, e.g. add elements to lib.mfp_not_applicable and so turn
// every built-in result not applicable.
const reservedPackage = "mfpscan"

func isReservedPackage(path ast.Ref) bool {
	return len(path) >= 2 && path[0].Equal(ast.DefaultRootDocument) && path[1].Equal(ast.StringTerm(reservedPackage))
}

// checkReservedModule refuses a custom module declared inside the
// catalogue's namespace.
func checkReservedModule(name string, m *ast.Module, origin string) error {
	if !isReservedPackage(m.Package.Path) {
		return nil
	}
	loc := name
	if m.Package.Location != nil {
		loc = fmt.Sprintf("%s:%d", m.Package.Location.File, m.Package.Location.Row)
	}
	return fmt.Errorf("load policy %s: %s: package %s is reserved for the built-in catalogue: custom policies may not declare or extend packages under %q; use your own namespace, e.g. package org.%s",
		origin, loc, strings.TrimPrefix(m.Package.Path.String(), "data."), reservedPackage, strings.TrimPrefix(m.Package.Path.String(), "data."+reservedPackage+"."))
}

func (s *sources) addCustom(name string, m *ast.Module, origin string) error {
	if err := checkReservedModule(name, m, origin); err != nil {
		return err
	}
	if _, dup := s.modules[name]; dup {
		return fmt.Errorf("load policy %s: %s loaded twice", origin, name)
	}
	s.add(name, m, origin)
	return nil
}

// loadBundle reads an OPA bundle tarball: its modules join the catalogue and
// its data is merged between the defaults and the --data files.
func (s *sources) loadBundle(p string) error {
	l := regoLoader()
	if s.verify != nil {
		l = l.WithBundleVerificationConfig(s.verify)
	}
	b, err := l.AsBundle(p)
	if err != nil {
		return loaderError("load bundle "+p, err)
	}
	n := 0
	for _, mf := range b.Modules {
		if strings.HasSuffix(mf.Path, "_test.rego") || mf.Parsed == nil {
			continue
		}
		if err := s.addCustom(p+"#"+mf.Path, mf.Parsed, p); err != nil {
			return err
		}
		n++
	}
	if n == 0 {
		return fmt.Errorf("load bundle %s: no policies in bundle", p)
	}
	if len(b.Data) > 0 {
		s.bundleData = append(s.bundleData, namedDoc{name: p, doc: b.Data})
	}
	return nil
}

// catalogue builds one ruleEntry per package whose package-scope METADATA
// has custom.id, and rejects rule packages without one.
func catalogue(c *ast.Compiler, origins map[string]string) ([]*ruleEntry, error) {
	names := make([]string, 0, len(c.Modules))
	for name := range c.Modules {
		names = append(names, name)
	}
	sort.Strings(names)

	type pkgInfo struct {
		ann   *ast.Annotations
		file  string
		name  string
		ref   ast.Ref
		sets  map[string]bool
		mixed map[string]bool    // sets defined by some rule other than `contains`
		alias query.AliasSources // sets made only of copies of other data
		setAt string             // a file defining one of the sets, for errors
	}
	pkgs := map[string]*pkgInfo{}
	var order []string
	for _, name := range names {
		m := c.Modules[name]
		key := m.Package.Path.String()
		pi, ok := pkgs[key]
		if !ok {
			pi = &pkgInfo{ref: m.Package.Path, sets: map[string]bool{}, mixed: map[string]bool{}, alias: query.AliasSources{}}
			pkgs[key] = pi
			order = append(order, key)
		}
		for _, a := range m.Annotations {
			if a.Scope != "package" || a.Custom["id"] == nil {
				continue
			}
			if pi.ann != nil {
				return nil, fmt.Errorf("load policies: package %s has METADATA with custom.id in both %s and %s", strings.TrimPrefix(key, "data."), pi.file, fileOf(a, name))
			}
			pi.ann, pi.file, pi.name = a, fileOf(a, name), name
		}
		for _, r := range m.Rules {
			head := r.Head.Ref()[0].Value
			if s, ok := head.(ast.Var); ok && isResultSet(string(s)) {
				pi.sets[string(s)] = true
				if r.Head.RuleKind() != ast.MultiValue || len(r.Head.Ref()) != 1 {
					pi.mixed[string(s)] = true
				}
				pi.alias.Add(string(s), r)
				if pi.setAt == "" {
					pi.setAt = fileOf(nil, name)
				}
			}
		}
	}

	var entries []*ruleEntry
	byID := map[string]string{}
	for _, key := range order {
		pi := pkgs[key]
		if pi.ann == nil {
			if len(pi.sets) > 0 {
				return nil, fmt.Errorf("load policies: %s: package %s defines rule sets but has no package-scope METADATA with custom.id", pi.setAt, strings.TrimPrefix(key, "data."))
			}
			continue
		}
		rule, err := ruleFromAnnotations(pi.ann, pi.file)
		if err != nil {
			return nil, err
		}
		if len(pi.sets) == 0 {
			return nil, fmt.Errorf("load policies: %s: rule %s defines none of deny, review, not_applicable, so it could never fail", pi.file, rule.ID)
		}
		if prev, dup := byID[rule.ID]; dup {
			return nil, fmt.Errorf("load policies: duplicate rule id %s in %s and %s", rule.ID, prev, pi.file)
		}
		byID[rule.ID] = pi.file
		rule.Package = strings.TrimPrefix(key, "data.")
		rule.Origin = origins[pi.name]
		loc := pi.file
		if pi.ann.Location != nil {
			loc = fmt.Sprintf("%s:%d", pi.file, pi.ann.Location.Row)
		}
		partial := map[string]bool{}
		for set := range pi.sets {
			partial[set] = !pi.mixed[set]
		}
		entries = append(entries, &ruleEntry{rule: rule, q: query.Rule{Pkg: pi.ref, Sets: pi.sets, Partial: partial, Alias: pi.alias.Complete()}, loc: loc})
	}
	return entries, nil
}

func isResultSet(name string) bool {
	for _, s := range resultSets {
		if s == name {
			return true
		}
	}
	return false
}

// fileOf names the file of an annotation, falling back to the module name.
func fileOf(a *ast.Annotations, module string) string {
	if a != nil && a.Location != nil && a.Location.File != "" {
		return a.Location.File
	}
	return strings.TrimPrefix(module, builtinPrefix)
}

// ruleFromAnnotations validates a package's METADATA into a Rule.
func ruleFromAnnotations(a *ast.Annotations, file string) (Rule, error) {
	c := a.Custom
	r := Rule{
		Title:          strings.TrimSpace(a.Title),
		Description:    strings.TrimSpace(a.Description),
		ID:             customString(c, "id"),
		Severity:       strings.ToLower(customString(c, "severity")),
		GuideSection:   customString(c, "guide_section"),
		SecurityPolicy: customString(c, "security_policy"),
		Remediation:    customString(c, "remediation"),
		STIG:           customStrings(c, "stig"),
		NIST:           customStrings(c, "nist"),
		Vendors:        customStrings(c, "vendors"),
		Facts:          customStrings(c, "facts"),
		RelatedTo:      customStrings(c, "related_to"),
	}
	if ctl, ok := c["controls"].(map[string]any); ok {
		r.STIG = append(r.STIG, customStrings(ctl, "stig")...)
		r.NIST = append(r.NIST, customStrings(ctl, "nist")...)
	}
	for _, rr := range a.RelatedResources {
		r.RelatedResources = append(r.RelatedResources, rr.Ref.String())
	}
	var missing []string
	for _, f := range []struct{ name, val string }{
		{"title", r.Title}, {"description", r.Description}, {"custom.id", r.ID},
		{"custom.severity", r.Severity}, {"custom.remediation", r.Remediation},
	} {
		if f.val == "" {
			missing = append(missing, f.name)
		}
	}
	point, ok := customInt(c, "guide_point")
	if !ok {
		missing = append(missing, "custom.guide_point")
	}
	loc := file
	if a.Location != nil {
		loc = fmt.Sprintf("%s:%d", file, a.Location.Row)
	}
	if len(missing) > 0 {
		return Rule{}, fmt.Errorf("load policies: %s: METADATA lacks %s", loc, strings.Join(missing, ", "))
	}
	if SeverityRank(r.Severity) == 0 {
		return Rule{}, fmt.Errorf("load policies: %s: rule %s: severity %q is not one of %s", loc, r.ID, r.Severity, strings.Join(Severities, "|"))
	}
	if point < 1 || point > 10 {
		return Rule{}, fmt.Errorf("load policies: %s: rule %s: guide_point %d is not in 1..10", loc, r.ID, point)
	}
	r.GuidePoint = point
	if r.SecurityPolicy != "" {
		if !slices.Contains(SecurityPolicyCategories, r.SecurityPolicy) {
			return Rule{}, fmt.Errorf("load policies: %s: rule %s: security_policy %q is not one of %s", loc, r.ID, r.SecurityPolicy, strings.Join(SecurityPolicyCategories, "|"))
		}
		if point != SecurityPolicyPoint {
			r.AlsoGuidePoints = []int{SecurityPolicyPoint}
		}
	}
	return r, nil
}

func customString(c map[string]any, key string) string {
	s, _ := c[key].(string)
	return strings.TrimSpace(s)
}

// customStrings reads a list of strings, or a single string as a list of one.
func customStrings(c map[string]any, key string) []string {
	switch v := c[key].(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			out = append(out, fmt.Sprint(x))
		}
		return out
	}
	return nil
}

// customInt reads a whole number that YAML may have decoded as any numeric
// type.
func customInt(c map[string]any, key string) (int, bool) {
	switch v := c[key].(type) {
	case int:
		return v, true
	case int64:
		return int(v), true
	case uint64:
		return int(v), true
	case float64:
		if v == float64(int(v)) {
			return int(v), true
		}
	case interface{ Int64() (int64, error) }:
		n, err := v.Int64()
		return int(n), err == nil
	}
	return 0, false
}

// builtinDefaults reads data/defaults.yaml from the embedded catalogue.
func builtinDefaults() (map[string]any, error) {
	raw, err := fs.ReadFile(BuiltinFS, "data/defaults.yaml")
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]any{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read built-in data: %w", err)
	}
	return parseDataFile("builtin:data/defaults.yaml", raw)
}
