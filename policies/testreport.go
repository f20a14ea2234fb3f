package policies

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/cover"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestFormats are the report formats of `policy test`: opa test's verbose
// text, JSON, JUnit XML (CI test tabs) and TAP, as conftest offers.
var TestFormats = []string{"text", "json", "junit", "tap"}

// TestOptions choose the report of RunRegoTestsWith.
type TestOptions struct {
	Format   string // one of TestFormats; "" is text
	Coverage bool   // add per-rule coverage, as opa test --coverage
}

func (o TestOptions) check() error {
	if o.Format != "" && !slices.Contains(TestFormats, o.Format) {
		return fmt.Errorf("unknown test report format %q (valid: %s)", o.Format, strings.Join(TestFormats, ", "))
	}
	return nil
}

// Coverage is the share of expression lines the tests evaluated, per file
// and per rule of the organisation's modules (the embedded catalogue and
// test files are left out: they are not what is being tested).
type Coverage struct {
	Percent         float64        `json:"percent"`
	CoveredLines    int            `json:"covered_lines"`
	NotCoveredLines int            `json:"not_covered_lines"`
	Rules           []RuleCoverage `json:"rules"`
}

// RuleCoverage is one rule's coverage: every definition of the rule in a
// file counts together.
type RuleCoverage struct {
	File            string  `json:"file"`
	Row             int     `json:"row"`
	Rule            string  `json:"rule"`
	CoveredLines    int     `json:"covered_lines"`
	NotCoveredLines int     `json:"not_covered_lines"`
	Percent         float64 `json:"percent"`
	NotCovered      []int   `json:"not_covered,omitempty"`
}

func isTestModule(name string, m *ast.Module) bool {
	return strings.HasSuffix(name, "_test.rego") || strings.HasSuffix(m.Package.Path.String(), "_test")
}

// ruleCoverage maps OPA's line coverage onto the rules of the custom modules.
func ruleCoverage(cov *cover.Cover, modules map[string]*ast.Module) *Coverage {
	own := map[string]*ast.Module{}
	for name, m := range modules {
		if !strings.HasPrefix(name, builtinPrefix) && !isTestModule(name, m) {
			own[name] = m
		}
	}
	rep := cov.Report(own)
	out := &Coverage{}
	names := make([]string, 0, len(own))
	for n := range own {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		m := own[name]
		fr := rep.Files[name]
		byRule := map[string]*RuleCoverage{}
		var order []string
		for _, r := range m.Rules {
			if r.Location == nil {
				continue
			}
			key := m.Package.Path.String() + "." + r.Head.Ref().String()
			rc, ok := byRule[key]
			if !ok {
				rc = &RuleCoverage{File: name, Row: r.Location.Row, Rule: key}
				byRule[key] = rc
				order = append(order, key)
			}
			last := r.Location.Row + strings.Count(string(r.Location.Text), "\n")
			for row := r.Location.Row; row <= last; row++ {
				switch {
				case fr == nil:
				case fr.IsCovered(row):
					rc.CoveredLines++
				case fr.IsNotCovered(row):
					rc.NotCoveredLines++
					rc.NotCovered = append(rc.NotCovered, row)
				}
			}
		}
		for _, k := range order {
			rc := byRule[k]
			rc.Percent = percent(rc.CoveredLines, rc.NotCoveredLines)
			out.CoveredLines += rc.CoveredLines
			out.NotCoveredLines += rc.NotCoveredLines
			out.Rules = append(out.Rules, *rc)
		}
	}
	out.Percent = percent(out.CoveredLines, out.NotCoveredLines)
	return out
}

func percent(covered, notCovered int) float64 {
	if covered+notCovered == 0 {
		return 0
	}
	return float64(int(float64(covered)*1000/float64(covered+notCovered)+0.5)) / 10
}

// testCase is one test result in the JSON report.
type testCase struct {
	Package    string `json:"package"`
	Name       string `json:"name"`
	File       string `json:"file,omitempty"`
	Row        int    `json:"row,omitempty"`
	Status     string `json:"status"` // pass, fail, error, skip
	Error      string `json:"error,omitempty"`
	DurationNS int64  `json:"duration_ns"`
	Output     string `json:"output,omitempty"`
}

func toCase(r *tester.Result) testCase {
	c := testCase{Package: strings.TrimPrefix(r.Package, "data."), Name: r.Name, DurationNS: r.Duration.Nanoseconds(), Output: string(r.Output)}
	if r.Location != nil {
		c.File, c.Row = r.Location.File, r.Location.Row
	}
	switch {
	case r.Skip:
		c.Status = "skip"
	case r.Error != nil:
		c.Status, c.Error = "error", r.Error.Error()
	case r.Fail:
		c.Status = "fail"
	default:
		c.Status = "pass"
	}
	return c
}

func writeTestReport(w io.Writer, format string, results []*tester.Result, cov *Coverage) error {
	cases := make([]testCase, len(results))
	for i, r := range results {
		cases[i] = toCase(r)
	}
	switch format {
	case "", "text":
		replay := make(chan *tester.Result, len(results))
		for _, r := range results {
			replay <- r
		}
		close(replay)
		if err := (tester.PrettyReporter{Output: w, Verbose: true}).Report(replay); err != nil {
			return err
		}
		return writeCoverageText(w, cov)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Tests    []testCase `json:"tests"`
			Coverage *Coverage  `json:"coverage,omitempty"`
		}{cases, cov})
	case "junit":
		return writeJUnit(w, cases, cov)
	case "tap":
		return writeTAP(w, cases, cov)
	}
	return fmt.Errorf("unknown test report format %q", format)
}

func writeCoverageText(w io.Writer, cov *Coverage) error {
	if cov == nil {
		return nil
	}
	fmt.Fprintf(w, "\nCoverage: %.1f%% (%d of %d lines)\n", cov.Percent, cov.CoveredLines, cov.CoveredLines+cov.NotCoveredLines)
	for _, r := range cov.Rules {
		line := fmt.Sprintf("  %6.1f%%  %s:%d  %s", r.Percent, r.File, r.Row, r.Rule)
		if len(r.NotCovered) > 0 {
			line += fmt.Sprintf("  (not covered: lines %s)", joinInts(r.NotCovered))
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	return nil
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}

// writeTAP writes TAP version 13: one line per test, failures with a YAML
// diagnostic block, coverage as comments.
func writeTAP(w io.Writer, cases []testCase, cov *Coverage) error {
	var b strings.Builder
	fmt.Fprintf(&b, "TAP version 13\n1..%d\n", len(cases))
	for i, c := range cases {
		name := c.Package + "." + c.Name
		switch c.Status {
		case "pass":
			fmt.Fprintf(&b, "ok %d - %s\n", i+1, name)
		case "skip":
			fmt.Fprintf(&b, "ok %d - %s # SKIP\n", i+1, name)
		default:
			fmt.Fprintf(&b, "not ok %d - %s\n  ---\n  file: %q\n  line: %d\n", i+1, name, c.File, c.Row)
			if c.Error != "" {
				fmt.Fprintf(&b, "  error: %q\n", c.Error)
			}
			b.WriteString("  ...\n")
		}
	}
	if cov != nil {
		fmt.Fprintf(&b, "# coverage %.1f%%\n", cov.Percent)
		for _, r := range cov.Rules {
			fmt.Fprintf(&b, "# coverage %.1f%% %s:%d %s\n", r.Percent, r.File, r.Row, r.Rule)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Cases     []junitCase `xml:"testcase"`
	SystemOut string      `xml:"system-out,omitempty"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
}

// writeJUnit writes one testsuite per Rego package, the layout CI test
// tabs (GitLab, Jenkins, Azure DevOps) read.
func writeJUnit(w io.Writer, cases []testCase, cov *Coverage) error {
	doc := junitSuites{}
	idx := map[string]int{}
	for _, c := range cases {
		i, ok := idx[c.Package]
		if !ok {
			i = len(doc.Suites)
			idx[c.Package] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: c.Package})
		}
		s := &doc.Suites[i]
		jc := junitCase{Name: c.Name, Classname: c.Package, File: c.File, Line: c.Row, Time: fmt.Sprintf("%.6f", float64(c.DurationNS)/1e9)}
		switch c.Status {
		case "fail":
			jc.Failure = &junitMessage{Message: fmt.Sprintf("%s:%d: test failed", c.File, c.Row)}
			s.Failures++
			doc.Failures++
		case "error":
			jc.Error = &junitMessage{Message: c.Error}
			s.Errors++
			doc.Errors++
		case "skip":
			jc.Skipped = &junitMessage{Message: "skipped"}
			s.Skipped++
		}
		s.Tests++
		doc.Tests++
		s.Cases = append(s.Cases, jc)
	}
	if cov != nil && len(doc.Suites) > 0 {
		var b strings.Builder
		_ = writeCoverageText(&b, cov)
		doc.Suites[0].SystemOut = strings.TrimSpace(b.String())
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
