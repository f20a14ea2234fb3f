package policies

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/loader"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/policies/internal/compiled"
	"github.com/mfpscan/mfpscan/policies/internal/query"
)

// Options configure Load.
type Options struct {
	// Policies are custom policy paths: directories (every *.rego below,
	// *_test.rego excluded), single .rego files, or OPA bundles (.tar.gz).
	Policies []string
	// BundleKey, when set, requires every custom policy to be an OPA bundle
	// signed with this key.
	BundleKey *BundleKey
	// DataFiles are YAML or JSON documents deep-merged over the embedded
	// defaults, in order.
	DataFiles []string
	// Waivers turn matching failures into waived results until they expire.
	Waivers []Waiver
	// Now tells the time for waiver expiry; nil means time.Now.
	Now func() time.Time
	// InputSchema is the JSON Schema of input; nil means the embedded facts
	// schema (facts.SchemaJSON). A rule that declares
	// `# schemas: - input: schema["facts"]` is type-checked against it, so
	// a misspelled fact fails to compile with file:line.
	InputSchema []byte
	// OnRuleError, when set, hears of every rule that failed at evaluation
	// time on a device (a conflict, a type error in a custom rule), so the
	// pipeline can log it. That rule's result is review; the other rules of
	// the device keep their statuses. It may be called from many goroutines.
	OnRuleError func(RuleError)
	// Evaluator chooses how the catalogue is evaluated: EvaluatorAuto (the
	// default) compiles it to WebAssembly when possible, EvaluatorTopdown
	// interprets it with OPA's topdown evaluator, EvaluatorCompiled requires
	// the compiled form. Results are the same either way.
	Evaluator string
	// DeviceBudget bounds the evaluation of one device (and, when its rules
	// are run one by one to isolate a failure, of each rule): a rule that
	// runs over gives review with the reason. 0 means DefaultDeviceBudget,
	// negative no limit.
	DeviceBudget time.Duration
	// MemoryBudget bounds the Go heap, in bytes, while EvaluateAll runs:
	// past it, the devices in evaluation get review and the batch goes on.
	// 0 means DefaultMemoryBudget, negative no limit.
	MemoryBudget int64
	// Logger hears, at debug level, of every device the compiled evaluator
	// handed to topdown and why; nil discards.
	Logger *slog.Logger
	// NoBuiltin leaves out the embedded catalogue (and its default data),
	// for tests of custom policies and for organisations that bring their
	// own complete rule set.
	NoBuiltin bool
}

// Engine holds the compiled catalogue and one prepared query for it. It is
// read-only after Load, so Evaluate may be called from many goroutines.
type Engine struct {
	rules     []Rule // catalogue, sorted by guide point then id
	byID      map[string]*ruleEntry
	enabled   []*ruleEntry  // evaluated rules, in query order
	compiler  *ast.Compiler // the prepared query runs against it
	store     storage.Store // read-only after Load
	query     catalogueQuery
	compiled  *compiled.Evaluator // nil: topdown only
	perRule   *ruleQueries        // fallback after a runtime error; prepared lazily
	onError   func(RuleError)
	log       *slog.Logger
	budget    time.Duration // per device; 0: none
	memBudget uint64        // heap bytes during EvaluateAll; 0: none
	// fallbacks counts devices the compiled evaluator handed to topdown.
	fallbacks atomic.Int64
	rel       *relations     // related_to graph
	waivers   []Waiver       // unexpired
	expired   []Waiver       // past their date
	data      map[string]any // merged data document
}

// ruleEntry links a catalogue rule to the sets its package defines.
type ruleEntry struct {
	rule Rule
	q    query.Rule
	loc  string // file:line of the package METADATA, for errors
}

// resultSets are the three rule sets of the contract, in status order.
var resultSets = query.ResultSets

// Load reads the embedded catalogue and the custom policies, compiles them
// once, merges the data documents, checks the waivers and prepares the one
// query that evaluates every enabled rule.
func Load(ctx context.Context, opts Options) (*Engine, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	src, err := loadSources(opts)
	if err != nil {
		return nil, err
	}
	data, err := buildData(src.builtinData, src.bundleData, opts.DataFiles)
	if err != nil {
		return nil, err
	}
	schema := opts.InputSchema
	if schema == nil {
		schema = facts.SchemaJSON
	}
	if err := checkSchemaAnnotations(src.modules); err != nil {
		return nil, err
	}
	compiler, err := compileModules(src.modules, schema)
	if err != nil {
		return nil, err
	}
	entries, err := catalogue(compiler, src.origins)
	if err != nil {
		return nil, err
	}
	cfg, err := ruleConfig(data)
	if err != nil {
		return nil, err
	}
	if err := checkOverrides(cfg, entries); err != nil {
		return nil, err
	}
	e := &Engine{
		byID:     make(map[string]*ruleEntry, len(entries)),
		compiler: compiler,
		data:     data,
		perRule:  &ruleQueries{},
		onError:  opts.OnRuleError,
		log:      opts.Logger,
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	switch {
	case opts.DeviceBudget == 0:
		e.budget = DefaultDeviceBudget
	case opts.DeviceBudget > 0:
		e.budget = opts.DeviceBudget
	}
	switch {
	case opts.MemoryBudget == 0:
		e.memBudget = DefaultMemoryBudget
	case opts.MemoryBudget > 0:
		e.memBudget = uint64(opts.MemoryBudget)
	}
	for _, ent := range entries {
		ent.rule.Enabled = true
		if c, ok := cfg[ent.rule.ID]; ok {
			if c.Enabled != nil {
				ent.rule.Enabled = *c.Enabled
			}
			if c.Severity != "" {
				ent.rule.Severity = c.Severity
				ent.rule.SeverityOverridden = true
			}
		}
		e.byID[ent.rule.ID] = ent
		e.rules = append(e.rules, ent.rule)
		if ent.rule.Enabled {
			e.enabled = append(e.enabled, ent)
		}
	}
	sortRules(e.rules)
	if e.rel, err = buildRelations(e.rules); err != nil {
		return nil, err
	}
	if err := e.setWaivers(opts.Waivers, now()); err != nil {
		return nil, err
	}
	e.store = inmem.NewFromObjectWithOpts(data, inmem.OptRoundTripOnWrite(false), inmem.OptReturnASTValuesOnRead(true))
	if err := e.prepare(ctx); err != nil {
		return nil, err
	}
	if err := e.compile(ctx, opts.Evaluator, src.modules, src.custom()); err != nil {
		return nil, err
	}
	return e, nil
}

// compileModules compiles every module once in the sandbox (Capabilities)
// and the facts schema available to `# schemas:` annotations.
func compileModules(modules map[string]*ast.Module, schema []byte) (*ast.Compiler, error) {
	c := ast.NewCompiler().
		WithCapabilities(Capabilities()).
		WithStrict(true).
		WithUseTypeCheckAnnotations(true).
		WithDefaultRegoVersion(ast.RegoV1)
	if len(schema) > 0 {
		var doc any
		if err := util.UnmarshalJSON(schema, &doc); err != nil {
			return nil, fmt.Errorf("parse input schema: %w", err)
		}
		ss := ast.NewSchemaSet()
		ss.Put(ast.MustParseRef("schema.facts"), doc)
		c = c.WithSchemas(ss)
	}
	c.Compile(modules)
	if c.Failed() {
		return nil, compileError("compile policies", c.Errors)
	}
	return c, nil
}

// compileError turns OPA's errors into one error listing `file:line:
// message` per problem, so a policy author can jump to each.
func compileError(what string, errs ast.Errors) error {
	lines := make([]string, 0, len(errs))
	for _, e := range errs {
		lines = append(lines, formatASTError(e))
	}
	sort.Strings(lines)
	return fmt.Errorf("%s: %d error(s):\n  %s", what, len(lines), strings.Join(lines, "\n  "))
}

func formatASTError(e *ast.Error) string {
	msg := e.Message
	if e.Code != "" {
		msg = e.Code + ": " + msg
	}
	if hint := deniedHint(undefinedFunction(e.Message)); hint != "" {
		msg += " (" + hint + ")"
	}
	if e.Location == nil {
		return msg
	}
	return fmt.Sprintf("%s:%d: %s", e.Location.File, e.Location.Row, msg)
}

// loaderError unwraps the loader's aggregate errors into file:line form.
func loaderError(what string, err error) error {
	var lerrs loader.Errors
	if errors.As(err, &lerrs) {
		lines := make([]string, 0, len(lerrs))
		for _, le := range lerrs {
			var one *ast.Error
			if errors.As(le, &one) {
				lines = append(lines, formatASTError(one))
				continue
			}
			lines = append(lines, le.Error())
		}
		return fmt.Errorf("%s: %d error(s):\n  %s", what, len(lines), strings.Join(lines, "\n  "))
	}
	var astErrs ast.Errors
	if errors.As(err, &astErrs) {
		return compileError(what, astErrs)
	}
	var one *ast.Error
	if errors.As(err, &one) {
		return compileError(what, ast.Errors{one})
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Data returns a copy of the merged data document (defaults, bundle data and
// --data files), for debugging and `policy list`.
func (e *Engine) Data() map[string]any {
	return deepCopyMap(e.data)
}
