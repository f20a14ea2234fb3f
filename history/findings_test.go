package history

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/internal/testtable"
)

const day = 24 * time.Hour

// mttrScript is six daily runs of site hq. Each string gives a device ×
// rule's status per run: F fail, W waived fail, P pass, N not applicable,
// R review, E error, - device not seen in that run.
var mttrScript = []struct {
	device, rule, severity string
	runs                   string
}{
	{"d1", "rule.a", "critical", "FFPFRP"}, // fixed after 2 days, reopened, review keeps it open, fixed after 2 days
	{"d1", "rule.b", "high", "PWFNPP"},     // a waived failure opens nothing; not applicable fixes after 1 day
	{"d2", "rule.a", "critical", "FF----"}, // device vanished: open, never fixed
	{"d2", "rule.b", "high", "PP----"},
	{"d3", "rule.a", "critical", "PPPPPP"},
	{"d3", "rule.c", "medium", "FEFFFF"}, // error is no evidence: open for 5 days at run 5
}

var mttrStatus = map[byte]Result{
	'F': {Status: "fail"}, 'W': {Status: "fail", Waived: true}, 'P': {Status: "pass"},
	'N': {Status: "not_applicable"}, 'R': {Status: "review"}, 'E': {Status: "error"},
}

// recordScript records run k of mttrScript, started at t0 + k days.
func recordScript(ctx context.Context, t *testing.T, s Store, k int) {
	t.Helper()
	id, err := s.BeginRun(ctx, Run{Site: "hq", StartedAt: t0.Add(time.Duration(k) * day), Tool: "mfpscan"})
	if err != nil {
		t.Fatal(err)
	}
	byDevice := map[string][]Result{}
	var order []string
	for _, line := range mttrScript {
		c := line.runs[k]
		if c == '-' {
			continue
		}
		if byDevice[line.device] == nil {
			order = append(order, line.device)
		}
		r := mttrStatus[c]
		r.RuleID, r.Severity, r.KeyPoint = line.rule, line.severity, 1
		byDevice[line.device] = append(byDevice[line.device], r)
	}
	for i, d := range order {
		dev := Device{ID: "serial:" + d, Address: fmt.Sprintf("127.77.1.%d", i+1), Vendor: "Kyocera", Model: "TASKalfa", Serial: d}
		if err := s.RecordDevice(ctx, id, dev, byDevice[d]); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.FinishRun(ctx, id, RunEnd{FinishedAt: t0.Add(time.Duration(k)*day + time.Minute)}); err != nil {
		t.Fatal(err)
	}
}

func TestMTTR(t *testing.T) {
	asOf := t0.Add(5 * day)
	all := []MTTR{
		{Severity: "critical", Fixed: 2, Mean: 2 * day, Vanished: 1},
		{Severity: "high", Fixed: 1, Mean: day},
		{Severity: "medium", Open: 1, OpenMean: 5 * day, OpenOldest: 5 * day},
	}
	for _, tc := range []struct {
		name  string
		order []int
	}{
		{"in order", []int{0, 1, 2, 3, 4, 5}},
		// An import of older run directories after newer runs: the
		// devices' findings are rebuilt in run order.
		{"imported out of order", []int{3, 5, 0, 4, 2, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			forEach(t, func(t *testing.T, target string) {
				ctx := context.Background()
				s := mustOpen(t, target)
				for _, k := range tc.order {
					recordScript(ctx, t, s, k)
				}
				got, err := s.MTTR(ctx, MTTRQuery{AsOf: asOf})
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(got) != fmt.Sprint(all) {
					t.Errorf("all time:\n got %+v\nwant %+v", got, all)
				}
				// Since day 3: the second critical fix (closed on day 5) and
				// the high one (closed on day 3); open ones stay listed.
				got, err = s.MTTR(ctx, MTTRQuery{AsOf: asOf, Since: t0.Add(3 * day), Site: "hq"})
				if err != nil {
					t.Fatal(err)
				}
				want := []MTTR{
					{Severity: "critical", Fixed: 1, Mean: 2 * day, Vanished: 1},
					{Severity: "high", Fixed: 1, Mean: day},
					all[2],
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("since day 3:\n got %+v\nwant %+v", got, want)
				}
				if got, err := s.MTTR(ctx, MTTRQuery{AsOf: asOf, Site: "branch"}); err != nil || len(got) != 0 {
					t.Errorf("other site: %+v, %v", got, err)
				}
			})
		})
	}
}

// TestMTTRUnfinishedRunCountsNothing: a run whose recording never ended
// neither opens nor fixes findings.
func TestMTTRUnfinishedRunCountsNothing(t *testing.T) {
	forEach(t, func(t *testing.T, target string) {
		ctx := context.Background()
		s := mustOpen(t, target)
		recordScript(ctx, t, s, 0)
		id, err := s.BeginRun(ctx, Run{Site: "hq", StartedAt: t0.Add(day)})
		if err != nil {
			t.Fatal(err)
		}
		pass := []Result{{RuleID: "rule.c", Severity: "medium", Status: "pass"}}
		// d3 passes rule.c, then enough other devices to write a batch.
		for i := range batchDevices + 1 {
			d := Device{ID: "serial:d3", Address: "127.77.1.3"}
			if i > 0 {
				d = Device{ID: fmt.Sprintf("serial:x%d", i), Address: fmt.Sprintf("127.77.2.%d", i)}
			}
			if err := s.RecordDevice(ctx, id, d, pass); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.MTTR(ctx, MTTRQuery{AsOf: t0.Add(day)})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range got {
			if m.Fixed != 0 {
				t.Errorf("unfinished run fixed findings: %+v", got)
			}
		}
	})
}

func TestWalkFindings(t *testing.T) {
	h := int64(time.Hour)
	got := walkFindings([]sample{
		{run: 3, at: 3 * h, rule: "r", status: "pass"},
		{run: 1, at: 1 * h, rule: "r", severity: "high", status: "fail", site: "hq"},
		{run: 2, at: 2 * h, rule: "r", status: "review"},
		{run: 4, at: 4 * h, rule: "r", severity: "low", status: "fail", site: "hq"},
	})
	want := []finding{
		{rule: "r", severity: "high", site: "hq", openedRun: 1, openedAt: h, closedRun: 3, closedAt: 3 * h},
		{rule: "r", severity: "low", site: "hq", openedRun: 4, openedAt: 4 * h},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("walkFindings:\n got %+v\nwant %+v", got, want)
	}
}

func TestFormatAge(t *testing.T) {
	testtable.Mapping(t, "FormatAge", FormatAge, map[time.Duration]string{
		0: "0m", 29 * time.Second: "0m", 90 * time.Second: "2m", 5*time.Hour + 10*time.Minute: "5h 10m",
		day: "1d 0h", 3*day + 4*time.Hour + 59*time.Minute: "3d 5h",
	})
}
