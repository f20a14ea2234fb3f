// Package reports renders a finished run (facts, rule catalogue, results) as
// SARIF, HTML, JSON and a terminal summary. It never re-evaluates policies.
package reports

import (
	"io"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/history"
	"github.com/mfpscan/mfpscan/policies"
)

// Run is everything a report needs about one sweep or evaluation.
type Run struct {
	Scan    facts.Scan
	Devices []*facts.Device
	Rules   []policies.Rule
	Results []policies.Result
	// ExpiredWaivers are waivers found past their date; they were not
	// applied and are listed so someone renews or removes them.
	ExpiredWaivers []policies.Waiver
	// Site names the sweep for SARIF automationDetails (e.g. "hq-floor2").
	Site string
	// ExitCode is the process exit code the run ends with, for the SARIF
	// invocation.
	ExitCode int
	// FactsFiles maps a device address to its facts file path relative to
	// the output directory (e.g. "facts/127.77.0.10.json"), and FactsText to
	// the bytes written there, so SARIF can point at the line of a fact.
	FactsFiles map[string]string
	FactsText  map[string][]byte
	// CompiledFallbacks counts devices the compiled policy evaluator handed
	// to OPA's topdown evaluator after an error (a broken custom rule, a
	// failing builtin); their results are topdown's.
	CompiledFallbacks int64

	// Trends is the site's history from the history store, for the HTML
	// report; nil without a store or earlier runs.
	Trends *history.ReportTrends
}

// Writer renders one report format.
type Writer interface {
	// Name is the --format name, e.g. "sarif".
	Name() string
	// Filename is the file the format is written to inside --out.
	Filename() string
	Write(w io.Writer, r *Run) error
}
