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

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/strictyaml"
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
	ID string `yaml:"id"`
	// Vendor is the maker whose devices the advisory names, as fingerprint
	// fusion reports it ("Canon", "HP", "Ricoh"...); empty means Canon.
	Vendor string `yaml:"vendor"`
	// Source names the publication: "Canon PSIRT", "CISA KEV", ...
	Source   string   `yaml:"source"`
	Title    string   `yaml:"title"`
	CVEs     []string `yaml:"cves"`
	Severity string   `yaml:"severity"`
	URL      string   `yaml:"url"`
	Groups   []Group  `yaml:"groups"`
}

// VendorName is the advisory's vendor, Canon when the file leaves it out.
func (a Advisory) VendorName() string {
	if a.Vendor == "" {
		return "Canon"
	}
	return a.Vendor
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

var (
	reCVE      = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,7}$`)
	severities = map[string]bool{"critical": true, "high": true, "medium": true, "low": true}
)

// Load parses and checks an advisory file against the format in
// docs/ADVISORIES.md: unknown keys, missing fields, malformed CVE ids,
// unknown severities, duplicate ids and bad patterns or versions are errors.
func Load(b []byte) (*Data, error) {
	var d Data
	if err := strictyaml.Decode(b, &d); err != nil {
		return nil, fmt.Errorf("parse advisories: %w", err)
	}
	if d.Version == "" {
		return nil, fmt.Errorf("parse advisories: missing version")
	}
	if len(d.Advisories) == 0 {
		return nil, fmt.Errorf("parse advisories: no advisories")
	}
	seen := map[string]bool{}
	for i := range d.Advisories {
		a := &d.Advisories[i]
		if a.ID == "" || len(a.Groups) == 0 {
			return nil, fmt.Errorf("load advisory %d: id and groups are required", i)
		}
		if seen[a.ID] {
			return nil, fmt.Errorf("load advisory %s: duplicate id", a.ID)
		}
		seen[a.ID] = true
		if !severities[a.Severity] {
			return nil, fmt.Errorf("load advisory %s: severity %q is not critical, high, medium or low", a.ID, a.Severity)
		}
		if len(a.CVEs) == 0 {
			return nil, fmt.Errorf("load advisory %s: no cves", a.ID)
		}
		for _, c := range a.CVEs {
			if !reCVE.MatchString(c) {
				return nil, fmt.Errorf("load advisory %s: %q is not a CVE id", a.ID, c)
			}
		}
		if a.URL != "" && !strings.HasPrefix(a.URL, "https://") {
			return nil, fmt.Errorf("load advisory %s: url must be https", a.ID)
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

// HasVendor reports whether the data holds any advisory for vendor.
func (d *Data) HasVendor(vendor string) bool {
	for _, a := range d.Advisories {
		if strings.EqualFold(a.VendorName(), vendor) {
			return true
		}
	}
	return false
}

// Covers reports whether any advisory group of vendor names the model line.
func (d *Data) Covers(vendor, model string) bool {
	model = NormaliseModel(model)
	for _, a := range d.Advisories {
		if !strings.EqualFold(a.VendorName(), vendor) {
			continue
		}
		for _, g := range a.Groups {
			if model != "" && g.matches(model) {
				return true
			}
		}
	}
	return false
}

// Evaluate returns the advisory status of a Canon model at a firmware
// version (empty when unknown) and the advisories that apply.
func (d *Data) Evaluate(model, version string) (string, []facts.Advisory) {
	return d.EvaluateVendor("Canon", model, version)
}

// EvaluateVendor is Evaluate for the advisories of one vendor.
func (d *Data) EvaluateVendor(vendor, model, version string) (string, []facts.Advisory) {
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
		if !strings.EqualFold(a.VendorName(), vendor) {
			continue
		}
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

// NewFromFile returns the analyser with a newer data file's contents (see
// --advisories); nil or empty means the embedded data. A bad file is an
// error status on every device, never a silent fallback.
func NewFromFile(b []byte) collectors.Analyser {
	if len(b) == 0 {
		return New()
	}
	d, err := Load(b)
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
	fw.AdvisoryData = "advisories " + a.data.Version
	model := ""
	if m := doc.Identity.Model; m != nil {
		model = m.Value
	}
	reason := ""
	vendor := "Canon" // an unidentified device may still be a Canon one
	if v := doc.Identity.Vendor; v != nil {
		vendor = v.Value
	}
	switch {
	case !a.data.HasVendor(vendor):
		fw.AdvisoryStatus, fw.Advisories = StatusUnknown, nil
		fw.AdvisoryCoverage = CoverageVendorMissing
		reason = "no advisory data for vendor " + vendor
	case model == "":
		fw.AdvisoryStatus, fw.Advisories = StatusUnknown, nil
		fw.AdvisoryCoverage = CoverageModelUnknown
		reason = "model unknown"
	case !a.data.Covers(vendor, model):
		// Silence of the data about a model line is no evidence that the
		// line is unaffected.
		fw.AdvisoryStatus, fw.Advisories = StatusUnknown, nil
		fw.AdvisoryCoverage = CoverageNotCovered
		reason = "no advisory data for this model line (" + NormaliseModel(model) + ")"
	default:
		fw.AdvisoryCoverage = CoverageCovered
		fw.AdvisoryStatus, fw.Advisories = a.data.EvaluateVendor(vendor, model, fw.Version)
	}
	fw.AdvisoryNote = reason
	doc.Firmware = fw
	return facts.CollectorStatus{Status: facts.StatusOK, Reason: reason}
}
