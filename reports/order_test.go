package reports

import (
	"slices"
	"testing"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/policies"
)

// TestReportOrderIsPolicyOrder: reports list devices and results in the
// order the policy engine returns them, numeric address order.
func TestReportOrderIsPolicyOrder(t *testing.T) {
	addrs := []string{"10.0.0.10", "10.0.0.9", "::1", "10.0.0.100", "192.168.0.2", "not-an-address"}
	var rs []policies.Result
	var devs []*facts.Device
	for _, a := range addrs {
		rs = append(rs, policies.Result{Address: a, RuleID: "MFP-X-001"})
		devs = append(devs, &facts.Device{Address: a})
	}
	want := slices.Clone(rs)
	policies.SortResults(want)
	got := sortedResults(rs)
	for i := range want {
		if got[i].Address != want[i].Address {
			t.Fatalf("report result order %v, policy order %v", addresses(got), addresses(want))
		}
	}
	run := &Run{Devices: devs, Results: rs}
	gotDevs := devicesOf(run)
	rows := TotalsOf(run).sortedRows()
	streamed := DeviceResults(run)
	for i := range want {
		if gotDevs[i].Address != want[i].Address {
			t.Fatalf("report device order differs from policy order at %d: %s, want %s", i, gotDevs[i].Address, want[i].Address)
		}
		if streamed[i].Address != want[i].Address {
			t.Fatalf("streamed device order differs from policy order at %d: %s, want %s", i, streamed[i].Address, want[i].Address)
		}
		if rows[i].addr != want[i].Address {
			t.Fatalf("terminal summary order differs from policy order at %d: %s, want %s", i, rows[i].addr, want[i].Address)
		}
	}
}

func addresses(rs []policies.Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Address
	}
	return out
}
