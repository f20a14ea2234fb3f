package reports

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mfpscan/mfpscan/policies"
)

// CSVWriter writes findings.csv: one row per rule outcome, for spreadsheets.
type CSVWriter struct{}

// Name implements Writer.
func (CSVWriter) Name() string { return "csv" }

// Filename implements Writer.
func (CSVWriter) Filename() string { return "findings.csv" }

var csvHeader = []string{"address", "device_id", "vendor", "model", "serial", "rule_id", "title",
	"severity", "status", "guide_point", "message", "fact", "evidence", "reason", "related"}

// csvCell neutralises spreadsheet formulas: device strings starting with
// = + - @ or a control character would otherwise run when the file is opened.
func csvCell(s string) string {
	s = Sanitize(s, 0)
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Write implements Writer.
func (c CSVWriter) Write(w io.Writer, r *Run) error { return writeWhole(c, w, r) }

// Begin implements StreamWriter: rows go straight to out.
func (CSVWriter) Begin(out io.Writer, _ SpoolFunc, head *Run) (DeviceWriter, error) {
	cw := csv.NewWriter(out)
	if err := cw.Write(csvHeader); err != nil {
		return nil, fmt.Errorf("write csv: %w", err)
	}
	return &csvStream{cw: cw, rules: indexRun(&Run{Rules: head.Rules}).rules}, nil
}

type csvStream struct {
	cw    *csv.Writer
	rules map[string]*policies.Rule
}

func (s *csvStream) Device(dr *DeviceResult) error {
	var vendor, model, serial string
	if d := dr.Device; d != nil {
		vendor, model, serial = attr(d.Identity.Vendor), attr(d.Identity.Model), attr(d.Identity.Serial)
	}
	for _, res := range dr.Results {
		title, point := "", ""
		if rl := s.rules[res.RuleID]; rl != nil {
			title = rl.Title
			if rl.GuidePoint > 0 {
				point = strconv.Itoa(rl.GuidePoint)
			}
		}
		var msgs, factsCol, ev []string
		for _, f := range res.Findings {
			msgs = append(msgs, f.Message)
			factsCol = append(factsCol, f.Fact)
			ev = append(ev, evidenceText(f.Evidence))
		}
		reason := strings.Join(res.Reasons, "; ")
		if res.Status == policies.StatusWaived && res.Waiver != nil {
			reason = res.Waiver.Reason
		}
		row := []string{res.Address, res.DeviceID, vendor, model, serial, res.RuleID, title,
			res.Severity, string(res.Status), point, strings.Join(msgs, "; "), strings.Join(factsCol, "; "),
			strings.Join(ev, "; "), reason, relatedText(res.Related)}
		for i := range row {
			row[i] = csvCell(row[i])
		}
		if err := s.cw.Write(row); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	return nil
}

func (*csvStream) Close() {}

func (s *csvStream) End(*Run) error {
	s.cw.Flush()
	if err := s.cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}
