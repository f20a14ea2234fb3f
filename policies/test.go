package policies

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/cover"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// RunRegoTests runs the Rego unit tests (test_* rules) found under paths,
// as `mfpscan policy test PATH...` does. The embedded catalogue (helpers,
// rules and default data, not its own tests) is loaded beside them so an
// organisation's tests can use data.mfpscan.lib and data.mfpscan.config.
// Data files (.json, .yaml) under paths are merged over the defaults, as
// `opa test` would. Results are printed like `opa test -v`.
func RunRegoTests(ctx context.Context, paths []string, w io.Writer) (passed, failed int, err error) {
	return RunRegoTestsWith(ctx, paths, w, TestOptions{})
}

// RunRegoTestsWith is RunRegoTests with a report format and coverage.
func RunRegoTestsWith(ctx context.Context, paths []string, w io.Writer, opts TestOptions) (passed, failed int, err error) {
	if err := opts.check(); err != nil {
		return 0, 0, err
	}
	if len(paths) == 0 {
		return 0, 0, fmt.Errorf("run rego tests: no paths given")
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return 0, 0, fmt.Errorf("run rego tests: %w", err)
		}
		if info.IsDir() {
			err = checkPolicyTree(p, true)
		} else {
			err = checkRegular("run rego tests", p, info, maxPolicyFile)
		}
		if err != nil {
			return 0, 0, err
		}
	}
	res, err := regoLoader().All(paths)
	if err != nil {
		return 0, 0, loaderError("load tests", err)
	}
	modules := map[string]*ast.Module{}
	builtin, err := loadBuiltinModules(false)
	if err != nil {
		return 0, 0, err
	}
	for name, m := range builtin {
		modules[builtinPrefix+name] = m
	}
	// What a scan would refuse, the tests refuse too: a module inside the
	// catalogue's namespace, or data overriding it, would make the tests
	// pass against a catalogue no scan runs.
	for name, m := range res.ParsedModules() {
		if err := checkReservedModule(name, m, name); err != nil {
			return 0, 0, err
		}
		modules[name] = m
	}
	if err := checkSchemaAnnotations(modules); err != nil {
		return 0, 0, err
	}
	data, err := builtinDefaults()
	if err != nil {
		return 0, 0, err
	}
	user, err := normalise(res.Documents)
	if err != nil {
		return 0, 0, fmt.Errorf("load test data: %w", err)
	}
	if um, ok := user.(map[string]any); ok {
		if err := checkReservedData(strings.Join(paths, ", "), um); err != nil {
			return 0, 0, err
		}
		mergeInto(data, um)
	}
	return runTests(ctx, modules, data, w, opts)
}

func runTests(ctx context.Context, modules map[string]*ast.Module, data map[string]any, w io.Writer, opts TestOptions) (passed, failed int, err error) {
	store := inmem.NewFromObject(data)
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("open store transaction: %w", err)
	}
	defer store.Abort(ctx, txn)

	compiler := ast.NewCompiler().
		WithCapabilities(Capabilities()).
		WithDefaultRegoVersion(ast.RegoV1)
	runner := tester.NewRunner()
	var cov *cover.Cover
	if opts.Coverage {
		cov = cover.New()
		runner = runner.SetCoverageQueryTracer(cov)
	}
	ch, err := runner.
		SetCompiler(compiler).
		SetStore(store).
		SetModules(modules).
		SetDefaultRegoVersion(ast.RegoV1).
		RaiseBuiltinErrors(true).
		RunTests(ctx, txn)
	if err != nil {
		if errs, ok := err.(ast.Errors); ok {
			return 0, 0, compileError("compile tests", errs)
		}
		return 0, 0, fmt.Errorf("run rego tests: %w", err)
	}
	var results []*tester.Result
	for r := range ch {
		results = append(results, r)
	}
	// Results arrive in completion order; sort them so output is stable.
	sort.SliceStable(results, func(i, j int) bool {
		a, b := results[i], results[j]
		if a.Location != nil && b.Location != nil && a.Location.File != b.Location.File {
			return a.Location.File < b.Location.File
		}
		if a.Package != b.Package {
			return a.Package < b.Package
		}
		return a.Location != nil && b.Location != nil && a.Location.Row < b.Location.Row
	})
	for _, r := range results {
		switch {
		case r.Skip:
		case r.Error == nil && r.Pass():
			passed++
		default:
			failed++
		}
	}
	if passed+failed == 0 {
		return 0, 0, fmt.Errorf("run rego tests: no test_ rules found")
	}
	var coverage *Coverage
	if cov != nil {
		coverage = ruleCoverage(cov, modules)
	}
	if err := writeTestReport(w, opts.Format, results, coverage); err != nil {
		return passed, failed, fmt.Errorf("report rego tests: %w", err)
	}
	return passed, failed, nil
}
