package reports

import (
	"bytes"
	"fmt"
	"html/template"
	"time"

	"github.com/mfpscan/mfpscan/history"
)

// Chart geometry, in SVG user units.
const (
	chartW, chartH       = 640.0, 220.0
	padL, padR, padT, pB = 48.0, 12.0, 12.0, 40.0
)

type svgRect struct {
	X, Y, W, H float64
	Class      string
	Title      string
}

type svgTick struct {
	Y     float64
	Label string
}

type svgLabel struct {
	X     float64
	Label string
}

type svgChart struct {
	ID, Title        string
	W, H, X0, X1, Y0 float64
	Bars             []svgRect
	YTicks           []svgTick
	XLabels          []svgLabel
	YAxis            string
}

type trendRow struct {
	Label  string
	Cells  []string
	Failed int
}

type trendsView struct {
	Severity  svgChart
	Changes   svgChart
	MTTR      svgChart
	Runs      []string
	SevRows   []trendRow
	ChgRows   []trendRow
	MTTRRows  []trendRow
	KeyPoints []trendRow
	Missing   []history.MissingDevice
}

// niceMax rounds v up to 4, 8 or 20 times a power of ten, so the four
// axis steps are whole, readable numbers.
func niceMax(v int) int {
	for p := 1; ; p *= 10 {
		for _, m := range []int{4, 8, 20} {
			if m*p >= v {
				return m * p
			}
		}
	}
}

func newChart(id, title, yaxis string, max int) svgChart {
	c := svgChart{ID: id, Title: title, W: chartW, H: chartH, X0: padL, X1: chartW - padR, Y0: chartH - pB, YAxis: yaxis}
	top := niceMax(max)
	for i := 0; i <= 4; i++ {
		v := top * i / 4
		c.YTicks = append(c.YTicks, svgTick{Y: c.y(v, top), Label: fmt.Sprint(v)})
	}
	return c
}

func (c svgChart) y(v, top int) float64 { return c.yf(float64(v), top) }

func (c svgChart) yf(v float64, top int) float64 {
	return c.Y0 - (c.Y0-padT)*v/float64(top)
}

func runLabel(t time.Time) string { return t.UTC().Format("01-02 15:04") }

func buildTrendsView(t *history.ReportTrends) *trendsView {
	n := len(t.Runs)
	v := &trendsView{Missing: t.Missing}
	maxFail, maxChg := 0, 0
	for _, r := range t.Runs {
		sum := 0
		for _, s := range history.Severities {
			sum += r.FailedBySeverity[s]
		}
		maxFail = max(maxFail, sum)
		maxChg = max(maxChg, r.New, r.Fixed)
		v.Runs = append(v.Runs, runLabel(r.StartedAt))
	}
	v.Severity = newChart("trend-severity", "Failed results by severity, last runs", "failed results", maxFail)
	v.Changes = newChart("trend-changes", "New and fixed findings per run", "findings", maxChg)
	slot := (chartW - padL - padR) / float64(max(n, 1))
	barW := slot * 0.7
	topF, topC := niceMax(maxFail), niceMax(maxChg)
	for i, r := range t.Runs {
		x := padL + slot*float64(i) + slot*0.15
		label := svgLabel{X: x + barW/2, Label: runLabel(r.StartedAt)}
		v.Severity.XLabels = append(v.Severity.XLabels, label)
		v.Changes.XLabels = append(v.Changes.XLabels, label)
		acc := 0
		row := trendRow{Label: runLabel(r.StartedAt)}
		for _, s := range history.Severities {
			c := r.FailedBySeverity[s]
			row.Cells = append(row.Cells, fmt.Sprint(c))
			if c == 0 {
				continue
			}
			y1, y0 := v.Severity.y(acc+c, topF), v.Severity.y(acc, topF)
			v.Severity.Bars = append(v.Severity.Bars, svgRect{X: x, Y: y1, W: barW, H: y0 - y1, Class: "sev-" + s, Title: fmt.Sprintf("%s: %d %s", runLabel(r.StartedAt), c, s)})
			acc += c
		}
		row.Failed = acc
		v.SevRows = append(v.SevRows, row)
		chg := trendRow{Label: runLabel(r.StartedAt), Cells: []string{"–", "–"}}
		if r.HasPrevious {
			chg.Cells = []string{fmt.Sprint(r.New), fmt.Sprint(r.Fixed)}
			half := barW / 2
			for k, c := range []int{r.New, r.Fixed} {
				if c == 0 {
					continue
				}
				y := v.Changes.y(c, topC)
				cls, what := "chg-new", "new"
				if k == 1 {
					cls, what = "chg-fixed", "fixed"
				}
				v.Changes.Bars = append(v.Changes.Bars, svgRect{X: x + half*float64(k), Y: y, W: half, H: v.Changes.Y0 - y, Class: cls, Title: fmt.Sprintf("%s: %d %s", runLabel(r.StartedAt), c, what)})
			}
		}
		v.ChgRows = append(v.ChgRows, chg)
	}
	for _, kp := range t.KeyPoints {
		row := trendRow{Label: fmt.Sprintf("%d", kp.KeyPoint)}
		for _, c := range kp.Compliance {
			if c < 0 {
				row.Cells = append(row.Cells, "–")
				continue
			}
			row.Cells = append(row.Cells, fmt.Sprintf("%.0f %%", c*100))
		}
		v.KeyPoints = append(v.KeyPoints, row)
	}
	v.MTTR, v.MTTRRows = mttrView(t.MTTR)
	return v
}

// mttrView draws one bar per severity with fixed findings, in hours, or in
// days once the longest is three days or more.
func mttrView(ms []history.MTTR) (svgChart, []trendRow) {
	unit, unitName := time.Hour, "hours"
	longest := time.Duration(0)
	for _, m := range ms {
		if m.Fixed > 0 {
			longest = max(longest, m.Mean)
		}
	}
	if longest >= 72*time.Hour {
		unit, unitName = 24*time.Hour, "days"
	}
	// +1: a bar of 2.5 units still fits under the axis top.
	units := int(longest/unit) + 1
	c := newChart("trend-mttr", "Mean time to remediate, findings fixed in these runs", unitName, units)
	top := niceMax(units)
	age := func(n int, d time.Duration) string {
		if n == 0 {
			return "–"
		}
		return history.FormatAge(d)
	}
	var rows []trendRow
	slot := (chartW - padL - padR) / float64(max(len(ms), 1))
	for i, m := range ms {
		rows = append(rows, trendRow{Label: m.Severity, Cells: []string{fmt.Sprint(m.Fixed), age(m.Fixed, m.Mean),
			fmt.Sprint(m.Open), age(m.Open, m.OpenMean), age(m.Open, m.OpenOldest), fmt.Sprint(m.Vanished)}})
		x := padL + slot*float64(i) + slot*0.15
		c.XLabels = append(c.XLabels, svgLabel{X: x + slot*0.35, Label: m.Severity})
		if m.Fixed == 0 {
			continue
		}
		y := c.yf(float64(m.Mean)/float64(unit), top)
		c.Bars = append(c.Bars, svgRect{X: x, Y: y, W: slot * 0.7, H: c.Y0 - y, Class: "sev-" + m.Severity,
			Title: fmt.Sprintf("%s: %s over %d fixed", m.Severity, history.FormatAge(m.Mean), m.Fixed)})
	}
	return c, rows
}

// The charts draw in the page's own colours (the sev-* classes of
// style.css); axes and labels are text, so they scale and read in print.
const trendsTemplate = `<section id="trends">
<h2>Trends</h2>
{{define "chart"}}<figure class="trend">
<figcaption>{{.Title}}</figcaption>
<svg id="{{.ID}}" viewBox="0 0 {{.W}} {{.H}}" width="100%" role="img" aria-label="{{.Title}}" style="max-width:{{.W}}px;font:11px sans-serif">
<line class="axis" x1="{{.X0}}" y1="{{.Y0}}" x2="{{.X1}}" y2="{{.Y0}}" stroke="#333"/>
<line class="axis" x1="{{.X0}}" y1="12" x2="{{.X0}}" y2="{{.Y0}}" stroke="#333"/>
{{range .YTicks}}<line x1="{{$.X0}}" x2="{{$.X1}}" y1="{{printf "%.1f" .Y}}" y2="{{printf "%.1f" .Y}}" stroke="#ddd"/><text class="ytick" x="{{printf "%.1f" (sub $.X0 4)}}" y="{{printf "%.1f" .Y}}" text-anchor="end" dominant-baseline="middle">{{.Label}}</text>
{{end}}<text x="10" y="{{printf "%.1f" (half $.Y0)}}" transform="rotate(-90 10 {{printf "%.1f" (half $.Y0)}})" text-anchor="middle">{{.YAxis}}</text>
{{range .Bars}}<rect class="{{.Class}}" x="{{printf "%.1f" .X}}" y="{{printf "%.1f" .Y}}" width="{{printf "%.1f" .W}}" height="{{printf "%.1f" .H}}"><title>{{.Title}}</title></rect>
{{end}}{{range .XLabels}}<text class="xtick" x="{{printf "%.1f" .X}}" y="{{printf "%.1f" (add $.Y0 14)}}" text-anchor="middle">{{.Label}}</text>
{{end}}</svg>
</figure>{{end}}
{{template "chart" .Severity}}
<ul class="legend">{{range $s := sevs}}<li><span class="sw sev-{{$s}}"></span>{{$s}}</li>{{end}}</ul>
<details class="trend-table"><summary>Table: failed results by severity</summary>
<table class="plain" id="trend-severity-table"><thead><tr><th>Run (UTC)</th>{{range sevs}}<th>{{.}}</th>{{end}}<th>total</th></tr></thead><tbody>
{{range .SevRows}}<tr><td>{{.Label}}</td>{{range .Cells}}<td>{{.}}</td>{{end}}<td>{{.Failed}}</td></tr>{{end}}
</tbody></table></details>
{{template "chart" .Changes}}
<ul class="legend"><li><span class="sw chg-new"></span>new</li><li><span class="sw chg-fixed"></span>fixed</li></ul>
<details class="trend-table"><summary>Table: new and fixed findings</summary>
<table class="plain" id="trend-changes-table"><thead><tr><th>Run (UTC)</th><th>new</th><th>fixed</th></tr></thead><tbody>
{{range .ChgRows}}<tr><td>{{.Label}}</td>{{range .Cells}}<td>{{.}}</td>{{end}}</tr>{{end}}
</tbody></table></details>
<h3>Mean time to remediate</h3>
{{if .MTTR.Bars}}{{template "chart" .MTTR}}{{else}}<p id="trend-mttr-none">No finding was fixed within these runs.</p>{{end}}
<table class="plain" id="trend-mttr-table"><thead><tr><th>Severity</th><th>fixed</th><th>mean time to remediate</th><th>open</th><th>mean open age</th><th>oldest open</th><th>open on vanished devices</th></tr></thead><tbody>
{{range .MTTRRows}}<tr><td>{{.Label}}</td>{{range .Cells}}<td>{{.}}</td>{{end}}</tr>{{end}}
</tbody></table>
<p class="note">A finding opens at the first run in which a rule fails on a device and is fixed at the first later run that sees the device with the rule passing or not applicable. Review, error and waived results keep it open; a device not seen any more fixes nothing. Ages of open findings are taken at this run's start.</p>
<h3>Compliance per key point</h3>
<table class="plain" id="trend-keypoints"><thead><tr><th>Key point</th>{{range .Runs}}<th>{{.}}</th>{{end}}</tr></thead><tbody>
{{range .KeyPoints}}<tr><td>{{.Label}}</td>{{range .Cells}}<td>{{.}}</td>{{end}}</tr>{{end}}
</tbody></table>
<h3>Devices not seen since the last run</h3>
{{if .Missing}}<table class="plain" id="trend-missing"><thead><tr><th>Device</th><th>Address</th><th>Last seen (UTC)</th></tr></thead><tbody>
{{range .Missing}}<tr><td>{{.ID}}</td><td>{{.Address}}</td><td>{{.LastSeen.UTC.Format "2006-01-02 15:04"}}</td></tr>{{end}}
</tbody></table>{{else}}<p id="trend-missing-none">None: every device of the previous run answered.</p>{{end}}
<style>.chg-new{fill:#c0392b;background:#c0392b}.chg-fixed{fill:#27ae60;background:#27ae60}figure.trend{margin:1em 0}</style>
</section>`

var trendsTmpl = template.Must(template.New("trends").Funcs(template.FuncMap{
	"sub":  func(a, b float64) float64 { return a - b },
	"add":  func(a, b float64) float64 { return a + b },
	"half": func(a float64) float64 { return a / 2 },
	"sevs": func() []string { return history.Severities },
}).Parse(trendsTemplate))

// trendsHTML renders the trends section; empty when there is no history.
func trendsHTML(t *history.ReportTrends) (template.HTML, error) {
	if t == nil || len(t.Runs) == 0 {
		return "", nil
	}
	var b bytes.Buffer
	if err := trendsTmpl.Execute(&b, buildTrendsView(t)); err != nil {
		return "", fmt.Errorf("render trends: %w", err)
	}
	// Safe: produced by html/template with contextual escaping above.
	return template.HTML(b.String()), nil //nolint:gosec
}
