package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/mfpscan/mfpscan/bench/discovery/internal/portset"
	"github.com/mfpscan/mfpscan/bench/internal/cli"
	"github.com/mfpscan/mfpscan/bench/internal/labtruth"
	"github.com/mfpscan/mfpscan/bench/internal/measure"
)

// runSpec names one tool run and where its output and measurement are.
type runSpec struct {
	Name, Format, Output, Result string
}

// parseRunSpec parses NAME:FORMAT:OUTPUT:RESULT.
func parseRunSpec(s string) (runSpec, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 4 || parts[0] == "" || parts[2] == "" || parts[3] == "" {
		return runSpec{}, fmt.Errorf("parse run %q: want NAME:FORMAT:OUTPUT:RESULT", s)
	}
	if parts[1] != "mfpscan" && parts[1] != "nmap" {
		return runSpec{}, fmt.Errorf("parse run %q: format %q is not mfpscan or nmap", s, parts[1])
	}
	return runSpec{Name: parts[0], Format: parts[1], Output: parts[2], Result: parts[3]}, nil
}

// row is one line of the results table.
type row struct {
	Name    string
	Result  measure.Result
	Found   int
	Missing []portset.Key
	Extra   []portset.Key
	Problem string // why the run cannot count (exit code, unreadable output)
}

// Correct is true when the tool ran cleanly and found exactly the truth.
func (r row) Correct() bool {
	return r.Problem == "" && len(r.Missing) == 0 && len(r.Extra) == 0
}

func (r row) verdict() string {
	switch {
	case r.Problem != "":
		return "NO (" + r.Problem + ")"
	case !r.Correct():
		return fmt.Sprintf("NO (%d missing, %d extra)", len(r.Missing), len(r.Extra))
	}
	return "yes"
}

// evaluate compares one run with the truth; it never fails, a broken run
// becomes a row with a Problem.
func evaluate(truth portset.Set, spec runSpec) row {
	r := row{Name: spec.Name}
	res, err := measure.Read(spec.Result)
	if err != nil {
		r.Problem = "no measurement"
		return r
	}
	r.Result = res
	f, err := os.Open(spec.Output)
	if err != nil {
		r.Problem = "no output"
		return r
	}
	defer f.Close()
	var got portset.Set
	if spec.Format == "nmap" {
		got, err = portset.ParseNmapXML(f)
	} else {
		got, err = portset.ParseMfpscanJSON(f)
	}
	if err != nil {
		r.Problem = "unreadable output: " + err.Error()
		return r
	}
	r.Found = len(got)
	r.Missing, r.Extra = portset.Diff(truth, got)
	switch {
	case r.Result.TimedOut:
		r.Problem = "timed out"
	case r.Result.ExitCode != 0:
		r.Problem = "exit " + strconv.Itoa(r.Result.ExitCode)
	}
	return r
}

// run implements the command.
func run(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.Flags("compare", stderr)
	truthPath := fs.String("truth", "", "ground truth JSON from bench/cmd/benchlab (required)")
	base := fs.String("base", "mfpscan", "run whose wall time the ratios divide by")
	mdPath := fs.String("markdown", "", "also write the table as Markdown here")
	var targets []target
	fs.Func("target", "a goal to check, e.g. wall:mfpscan/nmap-T4<=0.02 or rss:mfpscan<=150 (repeatable)", func(s string) error {
		t, err := parseTarget(s)
		if err == nil {
			targets = append(targets, t)
		}
		return err
	})
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if *truthPath == "" || fs.NArg() == 0 {
		return errors.New("parse flags: usage: compare -truth FILE RUN [RUN]")
	}
	lt, err := labtruth.ReadFile(*truthPath)
	if err != nil {
		return err
	}
	truth, err := portset.FromTruth(lt)
	if err != nil {
		return err
	}
	var rows []row
	for _, a := range fs.Args() {
		spec, err := parseRunSpec(a)
		if err != nil {
			return err
		}
		rows = append(rows, evaluate(truth, spec))
	}

	t := table{Truth: len(truth), Base: *base, Rows: rows, Targets: checkTargets(targets, rows)}
	t.renderText(stdout)
	if *mdPath != "" {
		var sb strings.Builder
		t.renderMarkdown(&sb)
		if err := os.WriteFile(*mdPath, []byte(sb.String()), 0o644); err != nil {
			return fmt.Errorf("write markdown: %w", err)
		}
	}
	for _, r := range rows {
		if !r.Correct() {
			for _, k := range limit(r.Missing, 10) {
				fmt.Fprintf(stderr, "%s: missing %s\n", r.Name, k)
			}
			for _, k := range limit(r.Extra, 10) {
				fmt.Fprintf(stderr, "%s: unexpected %s\n", r.Name, k)
			}
			return errMismatch
		}
	}
	return nil
}

func limit[T any](s []T, n int) []T { return s[:min(len(s), n)] }

// table is the rendered outcome of a report.
type table struct {
	Truth   int
	Base    string
	Rows    []row
	Targets []targetResult
}

// ratio is a row's wall time over the base run's; "" when either is missing.
func (t table) ratio(r row) string {
	for _, b := range t.Rows {
		if b.Name == t.Base && b.Result.WallSeconds > 0 && r.Result.WallSeconds > 0 {
			return fmt.Sprintf("%.2f×", r.Result.WallSeconds/b.Result.WallSeconds)
		}
	}
	return "-"
}

func (t table) renderText(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "tool\twall s\tpeak RSS MB\topen ports found\tcorrect (truth %d)\twall / %s\n", t.Truth, t.Base)
	for _, r := range t.Rows {
		fmt.Fprintf(tw, "%s\t%.2f\t%.1f\t%d\t%s\t%s\n", r.Name, r.Result.WallSeconds,
			r.Result.RSSMB(), r.Found, r.verdict(), t.ratio(r))
	}
	_ = tw.Flush()
	for _, tr := range t.Targets {
		fmt.Fprintf(w, "target %-40s %s\n", tr.Target.Expr, tr.Outcome)
	}
}

func (t table) renderMarkdown(w io.Writer) {
	fmt.Fprintf(w, "| tool | wall s | peak RSS MB | open ports found | correct (truth %d) | wall / %s |\n", t.Truth, t.Base)
	fmt.Fprintln(w, "|---|---:|---:|---:|---|---:|")
	for _, r := range t.Rows {
		fmt.Fprintf(w, "| %s | %.2f | %.1f | %d | %s | %s |\n", r.Name, r.Result.WallSeconds,
			r.Result.RSSMB(), r.Found, r.verdict(), t.ratio(r))
	}
	if len(t.Targets) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| target | outcome |")
		fmt.Fprintln(w, "|---|---|")
		for _, tr := range t.Targets {
			fmt.Fprintf(w, "| `%s` | %s |\n", tr.Target.Expr, tr.Outcome)
		}
	}
}
