package reports

import (
	"context"
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/history"
	"github.com/mfpscan/mfpscan/internal/testpeer"
	"github.com/mfpscan/mfpscan/internal/testtable"
)

// trendsHarness measures the trend charts as Chromium lays them out: bars
// inside the plot area, tallest bar matching the largest count, axis labels
// present and not overlapping, and the table fallbacks.
const trendsHarness = harnessHead + `    var chart = function (id) {
      var svg = d.getElementById(id), out = {};
      var plot = svg.querySelectorAll("line.axis");
      var yAxis = plot[1].getBBox(), xAxis = plot[0].getBBox();
      out.bars = svg.querySelectorAll("rect").length;
      out.inside = Array.prototype.every.call(svg.querySelectorAll("rect"), function (r) {
        var b = r.getBBox();
        return b.x >= yAxis.x && b.y >= yAxis.y - 0.5 && b.y + b.height <= xAxis.y + 0.5 && b.height > 0;
      });
      out.yticks = Array.prototype.map.call(svg.querySelectorAll("text.ytick"), function (t) { return t.textContent; });
      var xs = Array.prototype.map.call(svg.querySelectorAll("text.xtick"), function (t) { return t.getBoundingClientRect(); });
      out.xticks = xs.length;
      out.xOverlap = xs.some(function (b, i) { return i > 0 && b.left < xs[i - 1].right; });
      out.width = svg.getBoundingClientRect().width;
      return out;
    };
    v.severity = chart("trend-severity");
    v.changes = chart("trend-changes");
    v.mttr = chart("trend-mttr");
    v.mttrRows = Array.prototype.map.call(d.querySelectorAll("#trend-mttr-table tbody tr"), function (r) { return r.textContent; });
    var m = d.getElementById("trend-mttr"), mAxis = m.querySelectorAll("line.axis")[0].getBBox().y;
    v.mttrHeights = Array.prototype.map.call(m.querySelectorAll("rect"), function (r) { return Math.round(mAxis - r.getBBox().y); });
    var sevTotals = Array.prototype.map.call(d.querySelectorAll("#trend-severity-table tbody tr"), function (r) { return +r.lastElementChild.textContent; });
    v.sevTotals = sevTotals;
    var svg = d.getElementById("trend-severity"), axis = svg.querySelectorAll("line.axis")[0].getBBox().y;
    var tops = {};
    Array.prototype.forEach.call(svg.querySelectorAll("rect"), function (r) {
      var b = r.getBBox(), k = Math.round(b.x);
      tops[k] = Math.min(tops[k] === undefined ? 1e9 : tops[k], b.y);
    });
    v.barHeights = Object.keys(tops).sort(function (a, b) { return a - b; }).map(function (k) { return Math.round(axis - tops[k]); });
    v.keyPointRows = d.querySelectorAll("#trend-keypoints tbody tr").length;
    v.missing = Array.prototype.map.call(d.querySelectorAll("#trend-missing tbody td:nth-child(2)"), function (t) { return t.textContent; });
    v.external = d.querySelectorAll("img, image, iframe, link[href], script[src], use").length;
` + harnessTail

type trendsChart struct {
	Bars     int      `json:"bars"`
	Inside   bool     `json:"inside"`
	YTicks   []string `json:"yticks"`
	XTicks   int      `json:"xticks"`
	XOverlap bool     `json:"xOverlap"`
	Width    float64  `json:"width"`
}

type trendsVerdict struct {
	Error        string      `json:"error"`
	Severity     trendsChart `json:"severity"`
	Changes      trendsChart `json:"changes"`
	MTTR         trendsChart `json:"mttr"`
	MTTRRows     []string    `json:"mttrRows"`
	MTTRHeights  []int       `json:"mttrHeights"`
	SevTotals    []int       `json:"sevTotals"`
	BarHeights   []int       `json:"barHeights"`
	KeyPointRows int         `json:"keyPointRows"`
	Missing      []string    `json:"missing"`
	External     int         `json:"external"`
}

func trendsFixture() *history.ReportTrends {
	t0 := time.Date(2026, 3, 1, 3, 15, 0, 0, time.UTC)
	return &history.ReportTrends{
		Runs: []history.RunTrend{
			{StartedAt: t0, FailedBySeverity: map[string]int{"critical": 4, "high": 10, "medium": 6}},
			{StartedAt: t0.Add(24 * time.Hour), FailedBySeverity: map[string]int{"critical": 2, "high": 8, "low": 3}, New: 3, Fixed: 10, HasPrevious: true},
			{StartedAt: t0.Add(48 * time.Hour), FailedBySeverity: map[string]int{"high": 5}, New: 0, Fixed: 8, HasPrevious: true},
		},
		KeyPoints: []history.KeyPointTrend{{KeyPoint: 3, Compliance: []float64{0.5, 0.75, -1}}, {KeyPoint: 5, Compliance: []float64{0.2, 0.4, 1}}},
		Missing:   []history.MissingDevice{{ID: "serial:XSS", Address: "127.77.0.66" + xssScript, LastSeen: t0.Add(24 * time.Hour)}},
		// Critical in 4 days, high in 1 day, medium only open: the axis is
		// in days (the longest is 3 days or more), medium draws no bar.
		MTTR: []history.MTTR{
			{Severity: "critical", Fixed: 2, Mean: 96 * time.Hour},
			{Severity: "high", Fixed: 5, Mean: 24 * time.Hour, Open: 1, OpenMean: 48 * time.Hour, OpenOldest: 48 * time.Hour},
			{Severity: "medium", Open: 3, OpenMean: 30 * time.Hour, OpenOldest: 50 * time.Hour, Vanished: 1},
		},
	}
}

func TestTrendsInChromium(t *testing.T) {
	bin := testpeer.Chromium(t)
	dir := t.TempDir()
	run := fixtureRun()
	run.Trends = trendsFixture()
	if _, err := WriteAll(context.Background(), dir, run, []string{"html"}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "harness.html"), []byte(trendsHarness), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := testpeer.RunChromium(t, bin, "--virtual-time-budget=10000", "--dump-dom", "file://"+filepath.Join(dir, "harness.html"))
	m := resultPre.FindSubmatch(dom)
	if m == nil {
		t.Fatalf("no verdict in the dumped DOM:\n%.2000s", dom)
	}
	var v trendsVerdict
	if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &v); err != nil {
		t.Fatalf("verdict %s: %v", m[1], err)
	}
	if v.Error != "" {
		t.Fatal(v.Error)
	}
	// 3 + 3 + 1 severity segments; new/fixed: 0 new in run 3 draws no bar.
	if v.Severity.Bars != 7 || v.Changes.Bars != 3 {
		t.Errorf("bars: severity %d, changes %d", v.Severity.Bars, v.Changes.Bars)
	}
	for name, c := range map[string]trendsChart{"severity": v.Severity, "changes": v.Changes, "mttr": v.MTTR} {
		if !c.Inside || c.XTicks != 3 || c.XOverlap || c.Width < 300 || len(c.YTicks) != 5 || c.YTicks[0] != "0" {
			t.Errorf("%s chart: %+v", name, c)
		}
	}
	// 4 days and 1 day on a 0..8 days axis: critical 4 times as tall.
	if v.MTTR.Bars != 2 || strings.Join(v.MTTR.YTicks, ",") != "0,2,4,6,8" || len(v.MTTRHeights) != 2 ||
		abs(v.MTTRHeights[0]-4*v.MTTRHeights[1]) > 4 {
		t.Errorf("mttr chart %+v, bar heights %v", v.MTTR, v.MTTRHeights)
	}
	wantRows := []string{"critical24d 0h0––0", "high51d 0h12d 0h2d 0h0", "medium0–31d 6h2d 2h1"}
	if !slices.Equal(v.MTTRRows, wantRows) {
		t.Errorf("mttr table rows %q, want %q", v.MTTRRows, wantRows)
	}
	if strings.Join(v.Severity.YTicks, ",") != "0,5,10,15,20" {
		t.Errorf("severity axis %v, want 0..20 for a maximum of 20", v.Severity.YTicks)
	}
	if len(v.SevTotals) != 3 || v.SevTotals[0] != 20 || v.SevTotals[1] != 13 || v.SevTotals[2] != 5 {
		t.Errorf("table fallback totals %v", v.SevTotals)
	}
	// Bar heights are proportional to the totals (20 fills the axis).
	if len(v.BarHeights) != 3 || v.BarHeights[0] <= v.BarHeights[1] || v.BarHeights[1] <= v.BarHeights[2] ||
		abs(v.BarHeights[0]*5-v.BarHeights[2]*20) > 20 {
		t.Errorf("bar heights %v not proportional to 20, 13, 5", v.BarHeights)
	}
	if v.KeyPointRows != 2 || len(v.Missing) != 1 || !strings.Contains(v.Missing[0], "<script>") || v.External != 0 {
		t.Errorf("verdict %+v", v)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func TestTrendsAbsentWithoutHistory(t *testing.T) {
	got, err := trendsHTML(nil)
	if err != nil || got != "" {
		t.Errorf("trendsHTML(nil) = %q, %v", got, err)
	}
	got, err = trendsHTML(trendsFixture())
	if err != nil || !strings.Contains(string(got), `id="trend-severity"`) || strings.Contains(string(got), xssScript) {
		t.Errorf("trends html: %v\n%.500s", err, got)
	}
}

func TestNiceMax(t *testing.T) {
	testtable.Mapping(t, "niceMax", niceMax, map[int]int{0: 4, 3: 4, 5: 8, 9: 20, 20: 20, 21: 40, 79: 80, 81: 200, 47000: 80000})
}
