package reports

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
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
	Baseline *Baseline
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
func (s *SARIFWriter) Write(w io.Writer, r *Run) error { return writeWhole(s, w, r) }

// Begin implements StreamWriter. Results and artifacts are kept in spools:
// the log's header (rules, the invocation's exit code, the artifacts before
// the results) is known only at the end, where they are spliced in.
func (s *SARIFWriter) Begin(out io.Writer, newSpool SpoolFunc, head *Run) (DeviceWriter, error) {
	base := s.Options.Baseline
	if base != nil {
		base.reset()
	}
	sp, err := spools(newSpool, 2)
	if err != nil {
		return nil, err
	}
	st := &sarifStream{out: out, opts: s.Options, baseline: base, results: sp[0], artifacts: sp[1],
		resEl: elementWriter{prefix: "        "}, artEl: elementWriter{prefix: "        "}}
	st.rules = sortedRules(head.Rules)
	st.ruleIndex = make(map[string]int, len(st.rules))
	for i, rl := range st.rules {
		st.ruleIndex[rl.ID] = i
	}
	return st, nil
}

type sarifStream struct {
	out                io.Writer
	opts               SARIFOptions
	baseline           *Baseline
	rules              []policies.Rule
	ruleIndex          map[string]int
	results, artifacts Spool
	resEl, artEl       elementWriter
}

func (s *sarifStream) Device(dr *DeviceResult) error {
	ai := -1
	var lines *FactIndex
	for _, res := range dr.Results {
		if res.Status != policies.StatusFail && res.Status != policies.StatusWaived && res.Status != policies.StatusRelated {
			continue
		}
		if res.Status == policies.StatusWaived && s.opts.OmitSuppressed {
			continue
		}
		ri, ok := s.ruleIndex[res.RuleID]
		if !ok {
			// A rule absent from the catalogue (a custom policy removed
			// between eval and report) gets a minimal descriptor, so every
			// ruleId resolves.
			ri = len(s.rules)
			s.ruleIndex[res.RuleID] = ri
			s.rules = append(s.rules, policies.Rule{ID: res.RuleID, Title: res.RuleID, Severity: res.Severity})
		}
		if ai < 0 {
			ai = s.artEl.n
			if err := s.artEl.write(s.artifacts, factsArtifact(dr.FactsFile, dr.FactsText)); err != nil {
				return fmt.Errorf("write sarif: %w", err)
			}
			if dr.FactsText != nil {
				lines = NewFactIndex(dr.FactsText)
			}
		}
		for _, sr := range sarifResults(res, dr.Device, ri, s.rules[ri].GuidePoint, dr.FactsFile, ai, lines) {
			// GitHub ignores kind: a finding that points at its root cause
			// would be an alert of its own there.
			if s.opts.OmitSuppressed && sr.Kind != "fail" {
				continue
			}
			s.baseline.mark(sr)
			if err := s.resEl.write(s.results, sr); err != nil {
				return fmt.Errorf("write sarif: %w", err)
			}
		}
	}
	return nil
}

func (s *sarifStream) Close() { closeSpools(s.results, s.artifacts) }

func (s *sarifStream) End(r *Run) error {
	defer s.Close()
	err := s.baseline.eachAbsent(s.ruleIndex, func(sr *sarifResult) error {
		return s.resEl.write(s.results, sr)
	})
	if err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	skel, err := jsonIndent(sarifHead(r, s.rules))
	if err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	// The artifacts come just before the results: splice both at the place
	// of the empty results array.
	const marker = "\n      \"results\": []"
	i := bytes.Index(skel, []byte(marker))
	if i < 0 {
		return errors.New("write sarif: no results array in the log")
	}
	if _, err := s.out.Write(skel[:i]); err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	if s.artEl.n > 0 {
		if _, err := io.WriteString(s.out, "\n      \"artifacts\": ["); err != nil {
			return fmt.Errorf("write sarif: %w", err)
		}
		if err := s.artifacts.CopyTo(s.out); err != nil {
			return fmt.Errorf("write sarif: %w", err)
		}
		if _, err := io.WriteString(s.out, "\n      ],"); err != nil {
			return fmt.Errorf("write sarif: %w", err)
		}
	}
	if err := spliceJSON(s.out, skel[i:], marker, s.results, s.resEl.n, "      "); err != nil {
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

// sarifHead is the SARIF log without artifacts and results, which are
// spliced in; rules is the sorted catalogue with any unknown rule appended.
func sarifHead(r *Run, rules []policies.Rule) *sarifLog {
	descs := make([]*sarifDescriptor, 0, len(rules))
	for _, rl := range rules {
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
		Properties:        runProperties(r.Scan),
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
	inv.StartTimeUTC, inv.EndTimeUTC = utcOrNil(r.Scan.StartedAt), utcOrNil(r.Scan.FinishedAt)
	if r.Scan.Incomplete {
		inv.Notifications = []*sarifNotification{{
			Level:   "warning",
			Message: sarifMessage{Text: "The scan was interrupted or hit its deadline; results cover the devices reached until then."},
		}}
	}
	return inv
}

// utcOrNil is t in UTC, or nil for the zero time (unknown, left out).
func utcOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
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
