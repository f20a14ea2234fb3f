// Package advisories is the firmware advisory analyser: it matches the fused
// model and firmware version against Canon PSIRT advisories and states
// vulnerable, not_affected or unknown — never "not vulnerable" on a guess.
package advisories

import (
	"context"
	_ "embed"
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/facts"
)

//go:embed canon-psirt.yaml
var embedded []byte

// Version schemes.
const (
	SchemeMF         = "mf"
	SchemeController = "controller"
)

// Coverage values written to facts.Firmware.AdvisoryCoverage.
const (
	CoverageCovered       = "model_line_covered"
	CoverageNotCovered    = "model_line_not_covered"
	CoverageVendorMissing = "vendor_not_covered"
	CoverageModelUnknown  = "model_unknown"
)

// Advisory statuses written to facts.Firmware.AdvisoryStatus.
const (
	StatusVulnerable  = "vulnerable"
	StatusNotAffected = "not_affected"
	StatusUnknown     = "unknown"
)

// Data is a parsed advisory file.
type Data struct {
	Version    string     `yaml:"version"`
	Advisories []Advisory `yaml:"advisories"`
}

// Advisory is one vendor advisory.
type Advisory struct {
	ID       string   `yaml:"id"`
	Title    string   `yaml:"title"`
	CVEs     []string `yaml:"cves"`
	Severity string   `yaml:"severity"`
	URL      string   `yaml:"url"`
	Groups   []Group  `yaml:"groups"`
}

// Group is one set of models with one threshold.
type Group struct {
	Name           string   `yaml:"name"`
	Scheme         string   `yaml:"scheme"`
	Models         []string `yaml:"models"`
	VulnerableUpTo string   `yaml:"vulnerable_up_to"`
	FixedIn        string   `yaml:"fixed_in"`

	res   []*regexp.Regexp
	upTo  *Version
	fixed *Version
}

// Load parses and checks an advisory file.
func Load(b []byte) (*Data, error) {
	var d Data
	if err := yaml.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("parse advisories: %w", err)
	}
	if d.Version == "" {
		return nil, fmt.Errorf("parse advisories: missing version")
	}
	for i := range d.Advisories {
		a := &d.Advisories[i]
		if a.ID == "" || len(a.Groups) == 0 {
			return nil, fmt.Errorf("load advisory %d: id and groups are required", i)
		}
		for j := range a.Groups {
			if err := a.Groups[j].compile(); err != nil {
				return nil, fmt.Errorf("load advisory %s: %w", a.ID, err)
			}
		}
	}
	return &d, nil
}

// Default returns the embedded Canon PSIRT data.
func Default() (*Data, error) { return Load(embedded) }

func (g *Group) compile() error {
	if g.Scheme != SchemeMF && g.Scheme != SchemeController {
		return fmt.Errorf("group %q: unknown scheme %q", g.Name, g.Scheme)
	}
	if len(g.Models) == 0 {
		return fmt.Errorf("group %q: no models", g.Name)
	}
	for _, m := range g.Models {
		re, err := regexp.Compile("(?i)" + m)
		if err != nil {
			return fmt.Errorf("group %q: compile %q: %w", g.Name, m, err)
		}
		g.res = append(g.res, re)
	}
	for _, t := range []struct {
		s   string
		dst **Version
	}{{g.VulnerableUpTo, &g.upTo}, {g.FixedIn, &g.fixed}} {
		if t.s == "" {
			continue
		}
		v, err := ParseVersion(t.s)
		if err != nil {
			return fmt.Errorf("group %q: %w", g.Name, err)
		}
		*t.dst = &v
	}
	if g.upTo != nil && g.fixed != nil && g.upTo.Compare(*g.fixed) >= 0 {
		return fmt.Errorf("group %q: vulnerable_up_to must be below fixed_in", g.Name)
	}
	return nil
}

// NormaliseModel strips the vendor and regional prefixes so one pattern
// covers "Canon i-SENSYS MF754Cdw", "Color imageCLASS MF754Cdw" and
// "MF754Cdw", and writes imageRUNNER ADVANCE as iR-ADV.
func NormaliseModel(model string) string {
	m := strings.Join(strings.Fields(model), " ")
	m = strings.TrimPrefix(m, "Canon ")
	for _, p := range []string{"Color imageCLASS ", "imageCLASS ", "i-SENSYS ", "Satera "} {
		m = strings.TrimPrefix(m, p)
	}
	m = strings.Replace(m, "imageRUNNER ADVANCE", "iR-ADV", 1)
	return m
}

func (g *Group) matches(model string) bool {
	for _, re := range g.res {
		if re.MatchString(model) {
			return true
		}
	}
	return false
}

// verdict is what one group says about one device.
type verdict int

const (
	undecided  verdict = iota // no version, unparsable, no threshold or inside a gap
	noDecision                // other platform line: this rule does not speak
	vulnerable
	notAffected
)

func (g *Group) judge(v *Version) verdict {
	if g.upTo == nil && g.fixed == nil {
		return undecided
	}
	if v == nil {
		return undecided
	}
	if g.Scheme == SchemeController {
		ref := g.fixed
		if ref == nil {
			ref = g.upTo
		}
		if v.Major != ref.Major {
			return noDecision
		}
	}
	switch {
	case g.upTo != nil && v.Compare(*g.upTo) <= 0:
		return vulnerable
	case g.upTo == nil && v.Compare(*g.fixed) < 0:
		return vulnerable
	case g.fixed != nil && v.Compare(*g.fixed) >= 0:
		return notAffected
	case g.fixed == nil:
		return notAffected
	}
	return undecided
}

// Covers reports whether any advisory group names the model line at all.
func (d *Data) Covers(model string) bool {
	model = NormaliseModel(model)
	for _, a := range d.Advisories {
		for _, g := range a.Groups {
			if model != "" && g.matches(model) {
				return true
			}
		}
	}
	return false
}

// Evaluate returns the advisory status of a model at a firmware version
// (empty when unknown) and the advisories that apply.
func (d *Data) Evaluate(model, version string) (string, []facts.Advisory) {
	model = NormaliseModel(model)
	if model == "" {
		return StatusUnknown, nil
	}
	var ver *Version
	if v, err := ParseVersion(version); err == nil {
		ver = &v
	}
	var found []facts.Advisory
	decided, open := 0, 0
	for _, a := range d.Advisories {
		for _, g := range a.Groups {
			if !g.matches(model) {
				continue
			}
			switch g.judge(ver) {
			case vulnerable:
				found = append(found, facts.Advisory{ID: a.ID, Title: a.Title, CVEs: a.CVEs, Severity: a.Severity,
					VulnerableUpTo: g.VulnerableUpTo, FixedIn: g.FixedIn, URL: a.URL, MatchedFamilies: []string{g.Name}})
			case notAffected:
				decided++
			case undecided:
				open++
			}
		}
	}
	switch {
	case len(found) > 0:
		return StatusVulnerable, found
	case decided > 0 && open == 0:
		return StatusNotAffected, nil
	}
	return StatusUnknown, nil
}

// Analyser is the advisory analyser.
type Analyser struct {
	data *Data
	err  error
}

// New returns the analyser with the embedded Canon PSIRT data.
func New() collectors.Analyser {
	d, err := Default()
	return &Analyser{data: d, err: err}
}

// Name implements collectors.Analyser.
func (*Analyser) Name() string { return "advisories" }

// Analyse implements collectors.Analyser.
func (a *Analyser) Analyse(_ context.Context, _ *collectors.Env, _ *collectors.Target, doc *facts.Device) facts.CollectorStatus {
	if a.err != nil {
		return facts.CollectorStatus{Status: facts.StatusError, Reason: a.err.Error()}
	}
	fw := doc.Firmware
	if fw == nil {
		fw = &facts.Firmware{}
		if f := doc.Identity.Firmware; f != nil {
			fw.Version, fw.Source = f.Value, f.Source
		}
	}
	fw.AdvisoryData = "canon-psirt " + a.data.Version
	model := ""
	if m := doc.Identity.Model; m != nil {
		model = m.Value
	}
	reason := ""
	switch v := doc.Identity.Vendor; {
	case v != nil && v.Value != "Canon":
		// The data file only holds Canon advisories.
		fw.AdvisoryStatus, fw.Advisories = StatusUnknown, nil
		fw.AdvisoryCoverage = CoverageVendorMissing
		reason = "no advisory data for vendor " + v.Value
	case model == "":
		fw.AdvisoryStatus, fw.Advisories = StatusUnknown, nil
		fw.AdvisoryCoverage = CoverageModelUnknown
		reason = "model unknown"
	case !a.data.Covers(model):
		// Silence of the data about a model line is no evidence that the
		// line is unaffected.
		fw.AdvisoryStatus, fw.Advisories = StatusUnknown, nil
		fw.AdvisoryCoverage = CoverageNotCovered
		reason = "no advisory data for this model line (" + NormaliseModel(model) + ")"
	default:
		fw.AdvisoryCoverage = CoverageCovered
		fw.AdvisoryStatus, fw.Advisories = a.data.Evaluate(model, fw.Version)
	}
	fw.AdvisoryNote = reason
	doc.Firmware = fw
	return facts.CollectorStatus{Status: facts.StatusOK, Reason: reason}
}
