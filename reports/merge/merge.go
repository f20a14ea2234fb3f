// Package merge combines finished report directories (the shards of one
// sweep, or sweeps of several sites) into one set of reports without
// re-evaluating policies.
//
// Devices are keyed by site and address within the merged output: shards
// of one site must not overlap, while two sites may reuse the same private
// range because each site keeps its own report directory. The combined SARIF
// holds one run per site, each with its own automationDetails.id, because
// GitHub code scanning tracks alerts per tool and category: one run per
// site lets each site's alerts open and close on their own, and GitHub
// rejects an upload with two runs of one tool and category.
package merge

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/outlock"
	"github.com/mfpscan/mfpscan/internal/usage"
	"github.com/mfpscan/mfpscan/policies"
	"github.com/mfpscan/mfpscan/reports"
)

// GitHubMaxRuns is the number of runs GitHub code scanning accepts in one
// SARIF upload; more sites need one upload per site file.
const GitHubMaxRuns = 20

// Input is one report directory and the site it belongs to ("" reads the
// site from the directory's results.sarif, else "default").
type Input struct {
	Site string
	Dir  string
}

// ParseInput reads "DIR" or "SITE=DIR".
func ParseInput(arg string) Input {
	if site, dir, ok := strings.Cut(arg, "="); ok && site != "" && !strings.ContainsAny(site, `/\`) {
		return Input{Site: site, Dir: dir}
	}
	return Input{Dir: arg}
}

// Options say what to write.
type Options struct {
	Formats []string
	SARIF   reports.SARIFOptions
	// Progress, when set, is told after each device written how many of
	// how many (every site's) are.
	Progress func(done, total int)
}

// Result describes what Merge wrote.
type Result struct {
	// Sites are the merged sites in output order, Dirs where each site's
	// reports were written, and Devices how many devices each holds.
	Sites   []string
	Dirs    []string
	Devices []int
	// CombinedSARIF is the file holding one SARIF run per site ("" with
	// one site, whose results.sarif is already that, or without sarif).
	CombinedSARIF string
}

// input is one report directory opened for merging.
type input struct {
	dir  string
	src  *reports.RunSource
	exit int
}

// site is the runs of one site being combined: their merged header, and
// the inputs whose devices are merged in address order when written.
type site struct {
	name    string
	head    *reports.Run
	exit    int
	inputs  []*input
	vantage bool // all inputs agree on the vantage so far
	shards  shardSet
}

// Merge reads every input, combines the runs per site and writes the
// reports into outDir: directly when there is one site, else under
// outDir/sites/<site>/ with a combined results.sarif in outDir. Nothing is
// written when an input is unreadable or two inputs of one site overlap.
//
// Every input is checked whole first (RunSource), and then read again
// device by device while writing, each site's inputs merged in address
// order: memory holds one device per input and an index of the devices,
// whatever the size of the fleet.
func Merge(ctx context.Context, inputs []Input, outDir string, opts Options) (*Result, error) {
	if len(inputs) == 0 {
		return nil, badInput("merge: no report directories given")
	}
	var order []string
	sites := map[string]*site{}
	defer func() {
		for _, s := range sites {
			for _, in := range s.inputs {
				in.src.Close()
			}
		}
	}()
	for _, in := range inputs {
		opened, name, err := open(ctx, in)
		if err != nil {
			return nil, err
		}
		s := sites[name]
		if s == nil {
			s = &site{name: name, vantage: true, shards: shardSet{}}
			sites[name] = s
			order = append(order, name)
		}
		s.inputs = append(s.inputs, opened)
		if err := s.shards.add(name, in.Dir, opened.src.Head().Scan); err != nil {
			return nil, err
		}
		if err := s.add(opened); err != nil {
			return nil, err
		}
	}
	for _, name := range order {
		if err := sites[name].shards.complete(name); err != nil {
			return nil, err
		}
		if err := sites[name].checkOverlap(); err != nil {
			return nil, err
		}
	}
	if err := checkCategories(order); err != nil {
		return nil, err
	}
	// Locked once the inputs are known good: a refused merge writes
	// nothing, not even the lock.
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, badInput("merge: create output directory: %v", err)
	}
	lock, err := outlock.Acquire(outDir, "merge", time.Now())
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	return write(ctx, outDir, order, sites, opts)
}

// write writes each site's reports, and the combined SARIF log when there
// are several sites.
func write(ctx context.Context, outDir string, order []string, sites map[string]*site, opts Options) (*Result, error) {
	res := &Result{Sites: order}
	combined := len(order) > 1 && slices.Contains(opts.Formats, "sarif")
	done, total := 0, 0
	for _, s := range sites {
		for _, in := range s.inputs {
			total += in.src.Len()
		}
	}
	var parts []*sarifPart
	defer func() {
		for _, p := range parts {
			p.close()
		}
	}()
	for _, name := range order {
		s := sites[name]
		head := *s.head
		head.Site, head.ExitCode = name, s.exit
		dir := outDir
		if len(order) > 1 {
			dir = filepath.Join(outDir, SiteDir(name))
		}
		var part *sarifPart
		if combined {
			var err error
			// The part and the site's log are written side by side: each
			// needs its own record of the baseline findings it has seen.
			partOpts := opts.SARIF
			partOpts.Baseline = opts.SARIF.Baseline.Fork()
			if part, err = newSARIFPart(outDir, SiteDir(name)+"/", &head, partOpts); err != nil {
				return nil, fmt.Errorf("merge: SARIF of site %s: %w", name, err)
			}
			parts = append(parts, part)
		}
		after := func(dr *reports.DeviceResult) error {
			if part != nil {
				if err := part.device(dr); err != nil {
					return err
				}
			}
			if opts.Progress != nil {
				done++
				opts.Progress(done, total)
			}
			return nil
		}
		end, _, err := reports.WriteStream(ctx, dir, &head, writers(opts), s.devices(ctx), after)
		if err != nil {
			return nil, fmt.Errorf("merge: write site %s: %w", name, err)
		}
		if part != nil {
			if err := part.end(end); err != nil {
				return nil, fmt.Errorf("merge: SARIF of site %s: %w", name, err)
			}
		}
		res.Dirs = append(res.Dirs, dir)
		res.Devices = append(res.Devices, end.Totals.Summary.Devices)
	}
	if combined {
		path := filepath.Join(outDir, (&reports.SARIFWriter{}).Filename())
		if err := writeCombinedSARIF(path, parts); err != nil {
			return nil, err
		}
		res.CombinedSARIF = path
	}
	return res, nil
}

// SiteDir is the directory, relative to the merge output, of a site's
// reports. The site name goes through the facts file name encoding, which
// is injective and stays inside the directory, so two sites never share a
// directory whatever their names hold.
func SiteDir(name string) string {
	return "sites/" + strings.TrimSuffix(strings.TrimPrefix(reports.FactsFileName(name), "facts/"), ".json")
}

func writers(opts Options) []reports.Writer {
	var ws []reports.Writer
	for _, f := range opts.Formats {
		if f == "sarif" {
			ws = append(ws, &reports.SARIFWriter{Options: opts.SARIF})
			continue
		}
		if w, err := reports.Get(f); err == nil {
			ws = append(ws, w)
		}
	}
	return ws
}

// open checks one report directory and reads its site and the exit code
// its SARIF invocation recorded.
func open(ctx context.Context, in Input) (*input, string, error) {
	src, err := reports.OpenRun(ctx, in.Dir)
	if err != nil {
		return nil, "", fmt.Errorf("merge %s: %w", in.Dir, err)
	}
	fail := func(err error) (*input, string, error) {
		src.Close()
		return nil, "", fmt.Errorf("merge %s: %w", in.Dir, err)
	}
	// The facts files of devices gone since an earlier run in a reused
	// directory were left out; what remains must be what findings.json
	// counts, each device with its document.
	if want, n := src.Summary().Devices, src.WithFacts(); n != want {
		return fail(badInput("findings.json counts %d devices, the facts directory holds %d with results", want, n))
	}
	if addr, missing := src.MissingFacts(); missing {
		return fail(badInput("results for %s have no facts file", addr))
	}
	site, exit, err := reports.ReadSARIFSite(filepath.Join(in.Dir, (&reports.SARIFWriter{}).Filename()))
	if err != nil {
		return fail(err)
	}
	if in.Site != "" {
		site = in.Site
	}
	if site == "" {
		site = "default"
	}
	return &input{dir: in.Dir, src: src, exit: exit}, site, nil
}

// add folds one input's header into the site's.
func (s *site) add(in *input) error {
	s.exit = max(s.exit, in.exit)
	r := in.src.Head()
	if s.head == nil {
		s.head = r
		return nil
	}
	m := s.head
	rules, err := unionRules(m.Rules, r.Rules)
	if err != nil {
		return badInput("merge: site %s: %s: %v", s.name, in.dir, err)
	}
	m.Rules = rules
	for _, w := range r.ExpiredWaivers {
		if !slices.ContainsFunc(m.ExpiredWaivers, func(x policies.Waiver) bool { return reflect.DeepEqual(x, w) }) {
			m.ExpiredWaivers = append(m.ExpiredWaivers, w)
		}
	}
	m.CompiledFallbacks += r.CompiledFallbacks
	return s.mergeScan(in.dir, r.Scan)
}

// mergeScan widens the site's scan record to cover another run of it.
func (s *site) mergeScan(dir string, b facts.Scan) error {
	a := &s.head.Scan
	if a.PortOffset != b.PortOffset {
		return badInput("merge: site %s: %s was swept with port offset %d, the others with %d", s.name, dir, b.PortOffset, a.PortOffset)
	}
	a.Targets = union(a.Targets, b.Targets)
	a.Excludes = union(a.Excludes, b.Excludes)
	if !slices.Equal(a.Ports, b.Ports) {
		a.Ports = unionInts(a.Ports, b.Ports)
	}
	if a.Engine != b.Engine {
		a.Engine = strings.Join(union(strings.Split(a.Engine, "+"), []string{b.Engine}), "+")
	}
	if b.StartedAt.Before(a.StartedAt) {
		a.StartedAt = b.StartedAt
	}
	if b.FinishedAt.After(a.FinishedAt) || b.FinishedAt.IsZero() && !a.FinishedAt.IsZero() {
		a.FinishedAt = laterOrZero(a.FinishedAt, b.FinishedAt)
	}
	a.Incomplete = a.Incomplete || b.Incomplete
	// The merged run covers the shards together (checked complete), not
	// any one of them.
	a.Shard = nil
	// Shards run on different pods: one vantage only when all agree.
	if s.vantage && !reflect.DeepEqual(a.Vantage, b.Vantage) {
		a.Vantage, s.vantage = nil, false
	}
	return nil
}

// laterOrZero keeps a zero finish time (a run that never finished) over
// any other.
func laterOrZero(a, b time.Time) time.Time {
	if a.IsZero() || b.IsZero() {
		return time.Time{}
	}
	if b.After(a) {
		return b
	}
	return a
}

func unionRules(a, b []policies.Rule) ([]policies.Rule, error) {
	out := slices.Clone(a)
	for _, r := range b {
		i := slices.IndexFunc(out, func(x policies.Rule) bool { return x.ID == r.ID })
		switch {
		case i < 0:
			out = append(out, r)
		case !reflect.DeepEqual(out[i], r):
			return nil, fmt.Errorf("rule %s differs from another run's (runs evaluated with different policies or data cannot be merged)", r.ID)
		}
	}
	return out, nil
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func unionInts(a, b []int) []int {
	out := append(slices.Clone(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// checkCategories refuses sites whose SARIF categories would coincide
// ("hq 1" and "hq-1" both become mfpscan/hq-1/): GitHub would treat them as
// one analysis and close one site's alerts with the other's upload.
func checkCategories(sites []string) error {
	seen := map[string]string{}
	for _, s := range sites {
		c := reports.SARIFCategory(s)
		if prev, dup := seen[c]; dup {
			return badInput("merge: sites %q and %q share the SARIF category %s; rename one", prev, s, c)
		}
		seen[c] = s
	}
	return nil
}

func badInput(format string, args ...any) error {
	return usage.Errorf(format, args...)
}
