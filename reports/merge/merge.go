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
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/inputfile"
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
}

// Result describes what Merge wrote.
type Result struct {
	// Sites are the merged sites in output order, and Dirs where each
	// site's reports were written.
	Sites []string
	Dirs  []string
	// Runs are the merged runs, one per site.
	Runs []*reports.Run
	// CombinedSARIF is the file holding one SARIF run per site ("" with
	// one site, whose results.sarif is already that, or without sarif).
	CombinedSARIF string
}

// site is the runs of one site being combined.
type site struct {
	name    string
	run     *reports.Run
	exit    int
	owner   map[string]string // address → input directory
	vantage bool              // all inputs agree on the vantage so far
	shards  shardSet
}

// Merge reads every input, combines the runs per site and writes the
// reports into outDir: directly when there is one site, else under
// outDir/sites/<site>/ with a combined results.sarif in outDir. Nothing is
// written when an input is unreadable or two inputs of one site overlap.
func Merge(ctx context.Context, inputs []Input, outDir string, opts Options) (*Result, error) {
	if len(inputs) == 0 {
		return nil, badInput("merge: no report directories given")
	}
	var order []string
	sites := map[string]*site{}
	for _, in := range inputs {
		run, name, exit, err := load(ctx, in)
		if err != nil {
			return nil, err
		}
		s := sites[name]
		if s == nil {
			s = &site{name: name, owner: map[string]string{}, vantage: true, shards: shardSet{}}
			sites[name] = s
			order = append(order, name)
		}
		if err := s.shards.add(name, in.Dir, run.Scan); err != nil {
			return nil, err
		}
		if err := s.add(in.Dir, run, exit); err != nil {
			return nil, err
		}
	}
	for _, name := range order {
		if err := sites[name].shards.complete(name); err != nil {
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
	res := &Result{Sites: order}
	for _, name := range order {
		s := sites[name]
		s.run.Site, s.run.ExitCode = name, s.exit
		dir := outDir
		if len(order) > 1 {
			dir = filepath.Join(outDir, SiteDir(name))
		}
		if _, err := reports.WriteWith(ctx, dir, s.run, writers(opts)); err != nil {
			return nil, fmt.Errorf("merge: write site %s: %w", name, err)
		}
		res.Dirs = append(res.Dirs, dir)
		res.Runs = append(res.Runs, s.run)
	}
	if len(order) > 1 && slices.Contains(opts.Formats, "sarif") {
		path := filepath.Join(outDir, (&reports.SARIFWriter{}).Filename())
		if err := writeCombinedSARIF(path, res.Runs, opts.SARIF); err != nil {
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

// load reads one report directory with its site and the exit code its
// SARIF invocation recorded.
func load(ctx context.Context, in Input) (*reports.Run, string, int, error) {
	run, err := reports.LoadRun(ctx, in.Dir)
	if err != nil {
		return nil, "", 0, fmt.Errorf("merge %s: %w", in.Dir, err)
	}
	f, err := reports.LoadFindings(in.Dir)
	if err != nil {
		return nil, "", 0, fmt.Errorf("merge %s: %w", in.Dir, err)
	}
	run.CompiledFallbacks = f.Summary.CompiledFallbacks
	if err := dropStale(run, f.Summary.Devices); err != nil {
		return nil, "", 0, fmt.Errorf("merge %s: %w", in.Dir, err)
	}
	site, exit, err := sarifSite(filepath.Join(in.Dir, (&reports.SARIFWriter{}).Filename()))
	if err != nil {
		return nil, "", 0, fmt.Errorf("merge %s: %w", in.Dir, err)
	}
	if in.Site != "" {
		site = in.Site
	}
	if site == "" {
		site = "default"
	}
	return run, site, exit, nil
}

// sarifSite reads the site back from the category mfpscan wrote
// ("mfpscan/<site>/"); a directory without results.sarif has no site.
func sarifSite(path string) (string, int, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return "", 0, nil
	}
	raw, err := inputfile.Read(path, 512<<20)
	if err != nil {
		return "", 0, badInput("read %s: %v", path, err)
	}
	var log struct {
		Runs []struct {
			AutomationDetails *struct {
				ID string `json:"id"`
			} `json:"automationDetails"`
			Invocations []struct {
				ExitCode int `json:"exitCode"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(raw, &log); err != nil {
		return "", 0, badInput("read %s: %v", path, err)
	}
	if len(log.Runs) != 1 {
		return "", 0, badInput("read %s: %d runs, want the 1 a scan writes (merge the scan directories, not a merged output)", path, len(log.Runs))
	}
	r := log.Runs[0]
	exit := 0
	if len(r.Invocations) > 0 {
		exit = r.Invocations[0].ExitCode
	}
	if r.AutomationDetails == nil {
		return "", exit, nil
	}
	id := strings.TrimSuffix(strings.TrimPrefix(r.AutomationDetails.ID, "mfpscan/"), "/")
	return id, exit, nil
}

// add folds one input into the site's run.
func (s *site) add(dir string, r *reports.Run, exit int) error {
	for _, d := range r.Devices {
		if prev, dup := s.owner[d.Address]; dup {
			return badInput("merge: site %s: device %s is in both %s and %s (overlapping shards or the same run twice)", s.name, d.Address, prev, dir)
		}
		s.owner[d.Address] = dir
	}
	for _, res := range r.Results {
		if _, ok := s.owner[res.Address]; !ok {
			return badInput("merge: %s: result %s for %s has no facts file", dir, res.RuleID, res.Address)
		}
	}
	s.exit = max(s.exit, exit)
	if s.run == nil {
		cp := *r
		s.run = &cp
		return nil
	}
	m := s.run
	rules, err := unionRules(m.Rules, r.Rules)
	if err != nil {
		return badInput("merge: site %s: %s: %v", s.name, dir, err)
	}
	m.Rules = rules
	m.Devices = append(m.Devices, r.Devices...)
	m.Results = append(m.Results, r.Results...)
	for _, w := range r.ExpiredWaivers {
		if !slices.ContainsFunc(m.ExpiredWaivers, func(x policies.Waiver) bool { return reflect.DeepEqual(x, w) }) {
			m.ExpiredWaivers = append(m.ExpiredWaivers, w)
		}
	}
	m.CompiledFallbacks += r.CompiledFallbacks
	return s.mergeScan(dir, r.Scan)
}

// mergeScan widens the site's scan record to cover another run of it.
func (s *site) mergeScan(dir string, b facts.Scan) error {
	a := &s.run.Scan
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

// writeCombinedSARIF writes one log holding each site's run, its facts
// locations rewritten to the site's directory so they resolve from the
// merge output.
func writeCombinedSARIF(path string, runs []*reports.Run, opts reports.SARIFOptions) error {
	combined := struct {
		Schema  string            `json:"$schema"`
		Version string            `json:"version"`
		Runs    []json.RawMessage `json:"runs"`
	}{}
	for _, r := range runs {
		view := *r
		prefix := SiteDir(r.Site) + "/"
		view.FactsFiles = make(map[string]string, len(r.FactsFiles))
		for addr, rel := range r.FactsFiles {
			view.FactsFiles[addr] = prefix + rel
		}
		var buf bytes.Buffer
		if err := (&reports.SARIFWriter{Options: opts}).Write(&buf, &view); err != nil {
			return fmt.Errorf("merge: SARIF of site %s: %w", r.Site, err)
		}
		var one struct {
			Schema  string            `json:"$schema"`
			Version string            `json:"version"`
			Runs    []json.RawMessage `json:"runs"`
		}
		if err := json.Unmarshal(buf.Bytes(), &one); err != nil {
			return fmt.Errorf("merge: SARIF of site %s: %w", r.Site, err)
		}
		combined.Schema, combined.Version = one.Schema, one.Version
		combined.Runs = append(combined.Runs, one.Runs...)
	}
	b, err := json.MarshalIndent(combined, "", "  ")
	if err != nil {
		return fmt.Errorf("merge: encode SARIF: %w", err)
	}
	if err := reports.WriteFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	}); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	return nil
}

func badInput(format string, args ...any) error {
	return usage.Errorf(format, args...)
}

// dropStale keeps the devices findings.json accounts for. A scan reusing
// its --out directory (a scheduled shard writing to the same volume every
// night) leaves facts files of devices gone since; they have no results in
// this run's findings and must not reappear in the merge.
func dropStale(run *reports.Run, want int) error {
	if len(run.Devices) == want {
		return nil
	}
	seen := map[string]bool{}
	for _, r := range run.Results {
		seen[r.Address] = true
	}
	kept := run.Devices[:0]
	for _, d := range run.Devices {
		if seen[d.Address] {
			kept = append(kept, d)
		}
	}
	run.Devices = kept
	if len(kept) != want {
		return badInput("findings.json counts %d devices, the facts directory holds %d with results", want, len(kept))
	}
	return nil
}
