package reports

import (
	"fmt"
	"io"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/policies"
)

// FindingsSchemaVersion is the version of the findings.json layout.
const FindingsSchemaVersion = "1"

// JSONWriter writes findings.json.
type JSONWriter struct{}

// Name implements Writer.
func (JSONWriter) Name() string { return "json" }

// Filename implements Writer.
func (JSONWriter) Filename() string { return "findings.json" }

// Findings is the findings.json document.
type Findings struct {
	SchemaVersion  string            `json:"schema_version"`
	Tool           ToolInfo          `json:"tool"`
	Scan           facts.Scan        `json:"scan"`
	Summary        Summary           `json:"summary"`
	Rules          []policies.Rule   `json:"rules"`
	Results        []policies.Result `json:"results"`
	ExpiredWaivers []policies.Waiver `json:"expired_waivers"`
}

// ToolInfo names the tool that produced a report.
type ToolInfo struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Summary counts a run's outcomes.
type Summary struct {
	Devices int `json:"devices"`
	// ByStatus counts results per status; every status is present.
	ByStatus map[policies.Status]int `json:"by_status"`
	// BySeverity counts failed results per severity; every severity is
	// present. Waived results are not failures and are not counted here.
	BySeverity map[string]int `json:"by_severity"`
	// CompiledFallbacks counts devices evaluated by topdown after the
	// compiled evaluator failed on them (absent when none).
	CompiledFallbacks int64 `json:"compiled_fallbacks,omitempty"`
}

// Summarize counts the results of a run.
func Summarize(r *Run) Summary {
	s := TotalsOf(r).Summary
	s.CompiledFallbacks = r.CompiledFallbacks
	return s
}

// findingsHead is findings.json without its results, which are spliced in.
func findingsHead(r *Run) *Findings {
	f := &Findings{
		SchemaVersion:  FindingsSchemaVersion,
		Tool:           ToolInfo{Name: nonEmpty(r.Scan.Tool, "mfpscan"), Version: nonEmpty(r.Scan.Version, "dev")},
		Scan:           r.Scan,
		Summary:        Summarize(r),
		Rules:          sortedRules(r.Rules),
		Results:        []policies.Result{},
		ExpiredWaivers: append([]policies.Waiver{}, r.ExpiredWaivers...),
	}
	if f.Scan.Targets == nil {
		f.Scan.Targets = []string{}
	}
	return f
}

// BuildFindings assembles the findings.json document in a fixed order.
func BuildFindings(r *Run) *Findings {
	f := findingsHead(r)
	f.Results = sortedResults(r.Results)
	return f
}

// Write implements Writer.
func (j JSONWriter) Write(w io.Writer, r *Run) error { return writeWhole(j, w, r) }

// Begin implements StreamWriter: results are kept in a spool and spliced
// into the document, whose summary comes first, at the end.
func (JSONWriter) Begin(out io.Writer, newSpool SpoolFunc, _ *Run) (DeviceWriter, error) {
	sp, err := newSpool()
	if err != nil {
		return nil, err
	}
	return &jsonStream{out: out, body: sp, el: elementWriter{prefix: "    "}}, nil
}

type jsonStream struct {
	out  io.Writer
	body Spool
	el   elementWriter
}

func (s *jsonStream) Device(dr *DeviceResult) error {
	for i := range dr.Results {
		if err := s.el.write(s.body, &dr.Results[i]); err != nil {
			return fmt.Errorf("write findings: %w", err)
		}
	}
	return nil
}

func (s *jsonStream) Close() { closeSpools(s.body) }

func (s *jsonStream) End(r *Run) error {
	defer s.Close()
	head, err := jsonIndent(findingsHead(r))
	if err != nil {
		return fmt.Errorf("encode findings: %w", err)
	}
	if err := spliceJSON(s.out, head, "\n  \"results\": []", s.body, s.el.n, "  "); err != nil {
		return fmt.Errorf("write findings: %w", err)
	}
	return nil
}
