package reports

import (
	"sort"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/policies"
)

// Totals are a run's counts, kept as devices stream past so that no report
// needs every device at the end: the summary, per-device rows for the
// terminal and Markdown tables, failures per rule, and what the metrics
// count.
type Totals struct {
	Summary  Summary
	Printers int
	MFPs     int
	// ByVendor counts devices by vendor ("unknown" when none was named).
	ByVendor map[string]int
	// CollectorErrors counts error and timeout outcomes by collector and
	// status.
	CollectorErrors map[[2]string]int
	// ByStatusSeverity counts results by status and the rule's severity.
	ByStatusSeverity map[StatusSeverity]int
	// RuleFails counts failed results per rule.
	RuleFails map[string]int
	rows      []summaryRow
}

// StatusSeverity keys results by status and severity.
type StatusSeverity struct {
	Status   policies.Status
	Severity string
}

// summaryRow is one device line of the terminal and Markdown tables.
type summaryRow struct {
	addr, model, id string
	fails           [5]int // by policies.Severities
	waived          int
}

// NewTotals returns empty totals.
func NewTotals() *Totals {
	t := &Totals{
		Summary:          Summary{ByStatus: map[policies.Status]int{}, BySeverity: map[string]int{}},
		ByVendor:         map[string]int{},
		CollectorErrors:  map[[2]string]int{},
		RuleFails:        map[string]int{},
		ByStatusSeverity: map[StatusSeverity]int{},
	}
	for _, st := range statusOrder {
		t.Summary.ByStatus[st] = 0
	}
	for _, sev := range policies.Severities {
		t.Summary.BySeverity[sev] = 0
	}
	return t
}

// TotalsOf counts a run held in memory.
func TotalsOf(r *Run) *Totals {
	if r.Totals != nil {
		return r.Totals
	}
	t := NewTotals()
	for _, dr := range DeviceResults(r) {
		t.Add(dr)
	}
	return t
}

// Add counts one device and its results.
func (t *Totals) Add(dr *DeviceResult) {
	row := summaryRow{addr: dr.Address, model: deviceModel(dr.Device)}
	if d := dr.Device; d != nil {
		row.id = d.Identity.DeviceID
		t.Summary.Devices++
		if d.Identity.IsPrinter != nil && *d.Identity.IsPrinter {
			t.Printers++
		}
		if d.Identity.IsMFP != nil && *d.Identity.IsMFP {
			t.MFPs++
		}
		vendor := "unknown"
		if d.Identity.Vendor != nil && d.Identity.Vendor.Value != "" {
			vendor = d.Identity.Vendor.Value
		}
		t.ByVendor[vendor]++
		for name, cs := range d.Collectors {
			if cs.Status == facts.StatusError || cs.Status == facts.StatusTimeout {
				t.CollectorErrors[[2]string{name, string(cs.Status)}]++
			}
		}
	}
	for _, res := range dr.Results {
		t.Summary.ByStatus[res.Status]++
		t.ByStatusSeverity[StatusSeverity{res.Status, res.Severity}]++
		switch res.Status {
		case policies.StatusFail:
			t.Summary.BySeverity[res.Severity]++
			t.RuleFails[res.RuleID]++
			if i := severityIndex(res.Severity); i >= 0 {
				row.fails[i]++
			}
		case policies.StatusWaived:
			row.waived++
		}
	}
	t.rows = append(t.rows, row)
}

func severityIndex(sev string) int {
	for i, s := range policies.Severities {
		if s == sev {
			return i
		}
	}
	return -1
}

// FailedAtOrAbove counts failed results at or above severity threshold
// ("" counts none).
func (t *Totals) FailedAtOrAbove(threshold string) int {
	if threshold == "" {
		return 0
	}
	min := policies.SeverityRank(threshold)
	n := 0
	for sev, c := range t.Summary.BySeverity {
		if policies.SeverityRank(sev) >= min {
			n += c
		}
	}
	return n
}

// sortedRows returns the device rows in address order. Streamed devices
// arrive in that order already; the check keeps it true for any caller.
func (t *Totals) sortedRows() []summaryRow {
	if !sort.SliceIsSorted(t.rows, func(i, j int) bool { return facts.CompareAddress(t.rows[i].addr, t.rows[j].addr) < 0 }) {
		sort.SliceStable(t.rows, func(i, j int) bool { return facts.CompareAddress(t.rows[i].addr, t.rows[j].addr) < 0 })
	}
	return t.rows
}
