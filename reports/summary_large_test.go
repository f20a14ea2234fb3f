package reports

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/policies"
)

// TestSummaryShowsTheWorstDevicesOfALargeFleet: past summaryDevices rows,
// the terminal table keeps the devices with the most severe failures and
// says how many there are; the totals still count every device.
func TestSummaryShowsTheWorstDevicesOfALargeFleet(t *testing.T) {
	const n = summaryDevices + 10
	totals := NewTotals()
	for i := range n {
		addr := fmt.Sprintf("127.0.1.%d", i+1)
		d := &facts.Device{Address: addr}
		var res []policies.Result
		switch {
		case i == n-1: // the last address: the only critical failure
			res = append(res, policies.Result{Address: addr, RuleID: "R-CRIT", Status: policies.StatusFail, Severity: "critical"})
		case i%2 == 1: // every other device: one high failure
			res = append(res, policies.Result{Address: addr, RuleID: "R-HIGH", Status: policies.StatusFail, Severity: "high"})
		}
		totals.Add(&DeviceResult{Address: addr, Device: d, Results: res})
	}
	var out bytes.Buffer
	if err := WriteSummary(&out, &Run{Totals: totals}, false); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	lines := strings.Split(text, "\n")
	var rows []string
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, "127.") {
			break
		}
		rows = append(rows, l)
	}
	if len(rows) != summaryDevices {
		t.Fatalf("%d device rows, want %d:\n%s", len(rows), summaryDevices, text)
	}
	if !strings.HasPrefix(rows[0], fmt.Sprintf("127.0.1.%d ", n)) {
		t.Errorf("first row %q, want the device with the critical failure", rows[0])
	}
	// 30 devices have one high failure: they come next, before any device
	// without failures.
	for i, r := range rows[1:30] {
		if !strings.Contains(r, "  1  ") {
			t.Errorf("row %d %q: want a device with a high failure", i+1, r)
		}
	}
	if want := fmt.Sprintf("(the %d devices with the most severe failures, of %d; every device is in the reports)", summaryDevices, n); !strings.Contains(text, want) {
		t.Errorf("no line %q in:\n%s", want, text)
	}
	if !strings.Contains(text, fmt.Sprintf("\n%d devices.", n)) {
		t.Errorf("the totals do not count all %d devices:\n%s", n, text)
	}
}
