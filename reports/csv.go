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
func (CSVWriter) Write(w io.Writer, r *Run) error {
	ix := indexRun(r)
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, res := range sortedResults(r.Results) {
		d := ix.devices[res.Address]
		var vendor, model, serial string
		if d != nil {
			vendor, model, serial = attr(d.Identity.Vendor), attr(d.Identity.Model), attr(d.Identity.Serial)
		}
		title, point := "", ""
		if rl := ix.rules[res.RuleID]; rl != nil {
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
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}
