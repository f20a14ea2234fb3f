package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"

	"github.com/mfpscan/mfpscan/policies"
)

const (
	sarifSchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
	toolInfoURI    = "https://github.com/mfpscan/mfpscan"
	guideTaxonomy  = "canon-mfp-security-guide"
	fingerprintKey = "primaryLocationLineHash"
)

// SARIFOptions tune the SARIF writer.
type SARIFOptions struct {
	// OmitSuppressed drops waived results and the findings that point at
	// their root cause's result (kind informational), for consumers such as
	// GitHub code scanning that ignore SARIF suppressions and kind.
	OmitSuppressed bool
	// Baseline is a previous SARIF log; when set every result gets a
	// baselineState and findings that disappeared are listed as absent.
	Baseline []byte
}

// SARIFWriter writes SARIF 2.1.0.
type SARIFWriter struct {
	Options SARIFOptions
}

// Name implements Writer.
func (*SARIFWriter) Name() string { return "sarif" }

// Filename implements Writer.
func (*SARIFWriter) Filename() string { return "results.sarif" }

// Write implements Writer.
func (s *SARIFWriter) Write(w io.Writer, r *Run) error {
	log := buildSARIF(r, s.Options)
	if s.Options.Baseline != nil {
		if err := applyBaseline(log, s.Options.Baseline); err != nil {
			return err
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(log); err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	return nil
}

// SecuritySeverity maps a rule severity to GitHub's security-severity score;
// info stays above zero because GitHub rejects 0.
func SecuritySeverity(sev string) string {
	switch sev {
	case "critical":
		return "9.5"
	case "high":
		return "8.0"
	case "medium":
		return "5.5"
	case "low":
		return "3.0"
	default:
		return "1.0"
	}
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(sev string) string { return severityWord(sev, "note") }

// problemSeverity maps a severity to GitHub's problem.severity.
func problemSeverity(sev string) string { return severityWord(sev, "recommendation") }

// severityWord is "error" for critical and high, "warning" for medium, and
// low for the rest: SARIF and GitHub differ only in that last word.
func severityWord(sev, low string) string {
	switch sev {
	case "critical", "high":
		return "error"
	case "medium":
		return "warning"
	default:
		return low
	}
}

var semverRE = regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

// semanticVersion turns a build version ("v1.2.3", "dev") into a SemVer.
func semanticVersion(v string) string {
	v = strings.TrimPrefix(v, "v")
	if semverRE.MatchString(v) {
		return v
	}
	clean := strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return '-'
	}, v)
	clean = strings.Trim(clean, "-")
	if clean == "" {
		clean = "unknown"
	}
	return "0.0.0-" + clean
}

// camelCase turns a rule title into a SARIF rule name.
func camelCase(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Fingerprint is policies.Fingerprint: findings.json's related refs and
// SARIF's fingerprints name a finding the same way.
func Fingerprint(ruleID, deviceID, discriminator string) string {
	return policies.Fingerprint(ruleID, deviceID, discriminator)
}

func intp(i int) *int { return &i }

func nonEmpty(s, fallback string) string {
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}

func buildSARIF(r *Run, opts SARIFOptions) *sarifLog {
	rules := sortedRules(r.Rules)
	ix := indexRun(r)
	// Results may name rules absent from the catalogue (a custom policy
	// removed between eval and report); give them a minimal descriptor so
	// every ruleId resolves.
	known := make(map[string]bool, len(rules))
	for _, rl := range rules {
		known[rl.ID] = true
	}
	for _, res := range r.Results {
		if res.RuleID != "" && !known[res.RuleID] {
			known[res.RuleID] = true
			rules = append(rules, policies.Rule{ID: res.RuleID, Title: res.RuleID, Severity: res.Severity})
		}
	}
	ruleIndex := make(map[string]int, len(rules))
	descs := make([]*sarifDescriptor, 0, len(rules))
	for i, rl := range rules {
		ruleIndex[rl.ID] = i
		descs = append(descs, ruleDescriptor(rl))
	}
	version := strings.TrimPrefix(r.Scan.Version, "v")
	if version == "" || version[0] < '0' || version[0] > '9' {
		// Consumers compare versions numerically; "dev" builds get a
		// SemVer pre-release instead.
		version = semanticVersion(nonEmpty(r.Scan.Version, "dev"))
	}
	run := &sarifRun{
		Tool: sarifTool{Driver: sarifToolComponent{
			Name:            "mfpscan",
			Version:         version,
			SemanticVersion: semanticVersion(version),
			InformationURI:  toolInfoURI,
			Rules:           descs,
			SupportedTaxonomies: []*sarifComponentRef{
				{Name: guideTaxonomy, Index: intp(0)},
			},
		}},
		Invocations:       []*sarifInvocation{invocation(r)},
		AutomationDetails: &sarifAutomationDetails{ID: "mfpscan/" + siteName(r.Site) + "/"},
		Taxonomies:        []*sarifToolComponent{guideTaxonomyComponent()},
		Results:           []*sarifResult{},
	}
	artifacts := map[string]int{}
	// Results come sorted by address, so one device's index serves all its
	// results and is dropped when the next device starts.
	var lines *FactIndex
	linesOf := ""
	for _, res := range sortedResults(r.Results) {
		if res.Status != policies.StatusFail && res.Status != policies.StatusWaived && res.Status != policies.StatusRelated {
			continue
		}
		if res.Status == policies.StatusWaived && opts.OmitSuppressed {
			continue
		}
		uri := r.FactsFiles[res.Address]
		if uri == "" {
			uri = FactsFileName(res.Address)
		}
		ai, ok := artifacts[uri]
		if !ok {
			ai = len(run.Artifacts)
			artifacts[uri] = ai
			run.Artifacts = append(run.Artifacts, factsArtifact(uri, r.FactsText[res.Address]))
		}
		if lines == nil || linesOf != res.Address {
			lines, linesOf = nil, res.Address
			if text := r.FactsText[res.Address]; text != nil {
				lines = NewFactIndex(text)
			}
		}
		for _, sr := range sarifResults(res, ix.devices[res.Address], ruleIndex[res.RuleID], rules[ruleIndex[res.RuleID]].GuidePoint, uri, ai, lines) {
			// GitHub ignores kind: a finding that points at its root cause
			// would be an alert of its own there.
			if opts.OmitSuppressed && sr.Kind != "fail" {
				continue
			}
			run.Results = append(run.Results, sr)
		}
	}
	return &sarifLog{Schema: sarifSchemaURI, Version: "2.1.0", Runs: []*sarifRun{run}}
}

func siteName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '-'
	}, s)
	return nonEmpty(s, "default")
}

func invocation(r *Run) *sarifInvocation {
	inv := &sarifInvocation{
		// Exit code 1 means "findings at or above --fail-on": the scan
		// itself worked.
		ExecutionSuccessful: r.ExitCode == 0 || r.ExitCode == 1,
		ExitCode:            intp(r.ExitCode),
	}
	if !r.Scan.StartedAt.IsZero() {
		t := r.Scan.StartedAt.UTC()
		inv.StartTimeUTC = &t
	}
	if !r.Scan.FinishedAt.IsZero() {
		t := r.Scan.FinishedAt.UTC()
		inv.EndTimeUTC = &t
	}
	if r.Scan.Incomplete {
		inv.Notifications = []*sarifNotification{{
			Level:   "warning",
			Message: sarifMessage{Text: "The scan was interrupted or hit its deadline; results cover the devices reached until then."},
		}}
	}
	return inv
}

func guideTaxonomyComponent() *sarifToolComponent {
	tc := &sarifToolComponent{
		Name:             guideTaxonomy,
		Organization:     "Canon",
		ShortDescription: &sarifMessage{Text: "Canon: Useful Tips for Reducing the Risk of Unauthorized Access (MFPs for office and production printing), key points 1-10."},
		IsComprehensive:  new(bool),
	}
	for n := 1; n < len(guidePoints); n++ {
		tc.Taxa = append(tc.Taxa, &sarifDescriptor{
			ID:               fmt.Sprint(n),
			Name:             camelCase(guidePoints[n]),
			ShortDescription: &sarifMessage{Text: guidePoints[n]},
		})
	}
	return tc
}

func factsArtifact(uri string, text []byte) *sarifArtifact {
	a := &sarifArtifact{Location: &sarifArtifactLocation{URI: uri}, Length: -1, MimeType: "application/json"}
	if text != nil {
		sum := sha256.Sum256(text)
		a.Length = len(text)
		a.Hashes = map[string]string{"sha-256": hex.EncodeToString(sum[:])}
	}
	return a
}
