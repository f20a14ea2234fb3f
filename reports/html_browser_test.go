package reports

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testpeer"
)

// Payloads that set a flag on the harness window if they ever execute.
const (
	xssScript = `<script>window.top.__xss=1</script>`
	xssImg    = `<img src=x onerror="window.top.__xss=1">`
	xssSVG    = `"><svg onload="window.top.__xss=1">`
)

// browserHarness loads report.html in an iframe, drives its filters and
// sorting the way a person would, and writes a JSON verdict into
// <pre id=result>. Chromium's --dump-dom prints the DOM after the page's
// virtual time budget, verdict included.
const browserHarness = harnessHead + `    var shown = function (sel) {
      return Array.prototype.filter.call(d.querySelectorAll(sel), function (e) {
        return !e.hasAttribute("hidden") && d.defaultView.getComputedStyle(e).display !== "none";
      }).length;
    };
    var choose = function (id, value) {
      var s = d.getElementById(id); s.value = value;
      s.dispatchEvent(new Event("change"));
    };
    var order = function () {
      return Array.prototype.map.call(d.querySelectorAll("#matrix tbody tr.dev"), function (r) { return r.getAttribute("data-addr"); });
    };
    v.results = shown("tr.result");
    choose("f-severity", "critical"); v.critical = shown("tr.result");
    choose("f-status", "fail"); v.criticalFail = shown("tr.result");
    choose("f-severity", ""); choose("f-status", "review"); v.review = shown("tr.result");
    choose("f-status", ""); choose("f-point", "5"); v.point5 = shown("tr.result");
    v.point5Columns = d.querySelectorAll("#matrix th.kp:not(.kp-off)").length;
    v.point5Cells = d.querySelectorAll("#matrix td.cell:not(.kp-off)").length;
    choose("f-point", ""); v.dimmedAfterReset = d.querySelectorAll("#matrix .kp-off").length;
    choose("f-vendor", "HP"); v.hpRows = shown("#matrix tbody tr.dev"); v.hpDevices = shown("details.device");
    choose("f-vendor", "");
    v.count = d.getElementById("f-count").textContent;
    v.matrixRows = d.querySelectorAll("#matrix tbody tr.dev").length;
    v.keyPointColumns = d.querySelectorAll("#matrix thead th.kp").length;
    v.cellsPerRow = Array.prototype.map.call(d.querySelectorAll("#matrix tbody tr.dev"), function (r) { return r.querySelectorAll("td.cell").length; });
    var fails = d.querySelector("#matrix th[data-sort=fails]");
    fails.click(); v.sortAsc = order();
    fails.click(); v.sortDesc = order();
    v.scripts = d.querySelectorAll("script").length;
    v.images = d.querySelectorAll("img, svg image, iframe").length;
    var handlers = 0;
    Array.prototype.forEach.call(d.querySelectorAll("*"), function (e) {
      Array.prototype.forEach.call(e.attributes, function (a) { if (/^on/i.test(a.name)) { handlers++; } });
    });
    v.handlers = handlers;
    v.payloadText = d.body.textContent.indexOf("window.top.__xss=1") >= 0;
` + harnessTail

// harnessHead and harnessTail wrap a harness script: load report.html in an
// iframe, run the script with the frame's document as d, and write the
// verdict object v (with any exception, and whether a payload ran) as JSON
// into <pre id=result>.
const harnessHead = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>harness</title></head><body>
<pre id="result">pending</pre>
<iframe id="f" src="report.html" style="width:1400px;height:1000px"></iframe>
<script>
document.getElementById("f").addEventListener("load", function () {
  var v = {};
  try {
    var d = document.getElementById("f").contentDocument;
`

const harnessTail = `  } catch (e) {
    v.error = String(e);
  }
  v.xss = window.__xss === undefined ? 0 : window.__xss;
  document.getElementById("result").textContent = JSON.stringify(v);
});
</script>
</body></html>
`

type browserVerdict struct {
	Error            string   `json:"error"`
	Results          int      `json:"results"`
	Critical         int      `json:"critical"`
	CriticalFail     int      `json:"criticalFail"`
	Review           int      `json:"review"`
	Point5           int      `json:"point5"`
	Point5Columns    int      `json:"point5Columns"`
	Point5Cells      int      `json:"point5Cells"`
	DimmedAfterReset int      `json:"dimmedAfterReset"`
	HPRows           int      `json:"hpRows"`
	HPDevices        int      `json:"hpDevices"`
	Count            string   `json:"count"`
	MatrixRows       int      `json:"matrixRows"`
	KeyPointColumns  int      `json:"keyPointColumns"`
	CellsPerRow      []int    `json:"cellsPerRow"`
	SortAsc          []string `json:"sortAsc"`
	SortDesc         []string `json:"sortDesc"`
	Scripts          int      `json:"scripts"`
	Images           int      `json:"images"`
	Handlers         int      `json:"handlers"`
	PayloadText      bool     `json:"payloadText"`
	XSS              int      `json:"xss"`
}

// browserRun is the fixture run with payloads in the places a hostile
// device controls: web page title and server, sysDescr, certificate subject
// and issuer, model.
func browserRun() *Run {
	run := fixtureRun()
	for _, d := range run.Devices {
		if d.Address != "127.77.0.11" {
			continue
		}
		d.Identity.Model.Value = "MF743C " + xssScript
		d.HTTP = []facts.HTTPService{{Port: 80, Status: facts.StatusOK, StatusCode: 200, Title: xssScript, Server: xssSVG}}
		d.SNMP.SysDescr = xssImg + " " + xssScript
		d.TLS[0].Certificate.Subject = "CN=" + xssImg
		d.TLS[0].Certificate.Issuer = xssSVG
	}
	return run
}

var resultPre = regexp.MustCompile(`(?s)<pre id="result">(.*?)</pre>`)

// harnessVerdict loads harness (which frames dir/report.html) in headless
// Chromium and decodes the JSON verdict it leaves in <pre id=result>.
func harnessVerdict(t *testing.T, bin, dir, harness string, v any) {
	t.Helper()
	path := filepath.Join(dir, "harness.html")
	if err := os.WriteFile(path, []byte(harness), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := testpeer.RunChromium(t, bin, "--virtual-time-budget=10000", "--dump-dom", "file://"+path)
	m := resultPre.FindSubmatch(dom)
	if m == nil {
		t.Fatalf("no verdict in the dumped DOM:\n%.2000s", dom)
	}
	t.Logf("verdict: %s", m[1])
	if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), v); err != nil {
		t.Fatalf("verdict %q: %v", m[1], err)
	}
}

func TestHTMLInChromium(t *testing.T) {
	bin := testpeer.Chromium(t)
	dir := t.TempDir()
	if _, err := WriteAll(context.Background(), dir, browserRun(), []string{"html"}); err != nil {
		t.Fatal(err)
	}
	var v browserVerdict
	harnessVerdict(t, bin, dir, browserHarness, &v)
	if v.Error != "" {
		t.Fatalf("harness error: %s", v.Error)
	}
	// Expected counts come from fixtureResults: 16 results; MFP-SNMP-001
	// (critical, key point 5) on all four devices, failing on two; four
	// reviews; one HP device.
	checks := []struct {
		name      string
		got, want int
	}{
		{"visible results", v.Results, 16},
		{"critical results", v.Critical, 4},
		{"critical failed results", v.CriticalFail, 2},
		{"review results", v.Review, 4},
		{"key point 5 results", v.Point5, 4},
		{"key point 5 undimmed header columns", v.Point5Columns, 1},
		{"key point 5 undimmed cells", v.Point5Cells, 4},
		{"dimmed cells after reset", v.DimmedAfterReset, 0},
		{"HP matrix rows", v.HPRows, 1},
		{"HP device sections", v.HPDevices, 1},
		{"matrix rows", v.MatrixRows, 4},
		{"key point columns", v.KeyPointColumns, GuidePointCount},
		{"script elements", v.Scripts, 2},
		{"images", v.Images, 0},
		{"event handler attributes", v.Handlers, 0},
		{"window.__xss", v.XSS, 0},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	for i, n := range v.CellsPerRow {
		if n != GuidePointCount {
			t.Errorf("matrix row %d has %d key point cells, want %d", i, n, GuidePointCount)
		}
	}
	if got, want := v.Count, "16 of 16 results shown across 4 devices"; got != want {
		t.Errorf("filter count = %q, want %q", got, want)
	}
	if !v.PayloadText {
		t.Error("payload text is not shown literally in the report")
	}
	// Failed counts: .10 → 3, .11 → 2, .12 and ::1 → 0 (stable order).
	if got, want := v.SortAsc, []string{"127.77.0.12", "::1", "127.77.0.11", "127.77.0.10"}; !slices.Equal(got, want) {
		t.Errorf("ascending sort by failed = %v, want %v", got, want)
	}
	if len(v.SortDesc) != 4 || v.SortDesc[0] != "127.77.0.10" || v.SortDesc[1] != "127.77.0.11" {
		t.Errorf("descending sort by failed = %v, want .10, .11 first", v.SortDesc)
	}
}

func TestHTMLScreenshot(t *testing.T) {
	bin := testpeer.Chromium(t)
	dir := t.TempDir()
	if _, err := WriteAll(context.Background(), dir, browserRun(), []string{"html"}); err != nil {
		t.Fatal(err)
	}
	out := os.Getenv("MFPSCAN_ARTIFACTS")
	if out == "" {
		out = t.TempDir()
	} else if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	png := filepath.Join(out, "report.png")
	testpeer.RunChromium(t, bin, "--screenshot="+png, "--window-size=1400,1000", "--hide-scrollbars",
		"file://"+filepath.Join(dir, "report.html"))
	info, err := os.Stat(png)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	if info.Size() < 10<<10 {
		t.Errorf("screenshot is %d bytes, want > 10 KiB: the page probably rendered blank", info.Size())
	}
	t.Logf("a screenshot for people to look at: %s", png)
}

// pagingHarness pages through a report of 250 devices: 100 per page, the
// last page 50, the vendor filter restarting at page 1, and a link to a
// device on another page turning to it.
const pagingHarness = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>harness</title></head><body>
<pre id="result">pending</pre>
<iframe id="f" src="report.html" style="width:1400px;height:1000px"></iframe>
<script>
var f = document.getElementById("f");
f.addEventListener("load", function () {
  var v = {};
  var d = f.contentDocument;
  var shown = function (sel) {
    return Array.prototype.filter.call(d.querySelectorAll(sel), function (e) { return !e.hasAttribute("hidden"); }).length;
  };
  var visible = function () { return [shown("#matrix tbody tr.dev"), shown("details.device")]; };
  try {
    v.pagerShown = !d.getElementById("pager").hidden;
    v.page1 = visible(); v.info1 = d.getElementById("pg-info").textContent;
    d.getElementById("pg-next").click(); v.page2 = visible();
    d.getElementById("pg-next").click(); v.page3 = visible(); v.nextDisabled = d.getElementById("pg-next").disabled;
    var s = d.getElementById("f-vendor"); s.value = "HP"; s.dispatchEvent(new Event("change"));
    v.hp = visible(); v.infoHP = d.getElementById("pg-info").textContent;
    s.value = ""; s.dispatchEvent(new Event("change"));
    v.backToFirst = d.getElementById("dev-0").hasAttribute("hidden") ? "hidden" : "shown";
    v.results = d.querySelectorAll("tr.result").length;
  } catch (e) { v.error = String(e); }
  f.contentWindow.addEventListener("hashchange", function () {
    setTimeout(function () {
      var t = d.getElementById("dev-230");
      v.linkShown = !t.hasAttribute("hidden"); v.linkOpen = t.open;
      v.firstAfterLink = d.getElementById("dev-0").hasAttribute("hidden") ? "hidden" : "shown";
      document.getElementById("result").textContent = JSON.stringify(v);
    }, 0);
  });
  f.contentWindow.location.hash = "#dev-230";
});
</script>
</body></html>
`

func TestHTMLPagingInChromium(t *testing.T) {
	bin := testpeer.Chromium(t)
	dir := t.TempDir()
	base := fixtureRun()
	run := &Run{Scan: base.Scan, Rules: base.Rules, Site: base.Site}
	for i := range 250 {
		src := base.Devices[0]
		if i%5 == 4 {
			src = base.Devices[2] // the HP device: 50 of them
		}
		d := *src
		d.Address = fmt.Sprintf("127.78.%d.%d", i/200, i%200+1)
		run.Devices = append(run.Devices, &d)
		for _, res := range base.Results {
			if res.Address == src.Address {
				res.Address = d.Address
				run.Results = append(run.Results, res)
			}
		}
	}
	if _, err := WriteAll(context.Background(), dir, run, []string{"html"}); err != nil {
		t.Fatal(err)
	}
	var v struct {
		Error          string `json:"error"`
		PagerShown     bool   `json:"pagerShown"`
		Page1, Page2   []int
		Page3, HP      []int
		Info1, InfoHP  string
		NextDisabled   bool   `json:"nextDisabled"`
		BackToFirst    string `json:"backToFirst"`
		Results        int    `json:"results"`
		LinkShown      bool   `json:"linkShown"`
		LinkOpen       bool   `json:"linkOpen"`
		FirstAfterLink string `json:"firstAfterLink"`
	}
	harnessVerdict(t, bin, dir, pagingHarness, &v)
	if v.Error != "" {
		t.Fatalf("harness error: %s", v.Error)
	}
	want := func(name string, got []int, rows, details int) {
		if len(got) != 2 || got[0] != rows || got[1] != details {
			t.Errorf("%s: visible matrix rows and device sections %v, want [%d %d]", name, got, rows, details)
		}
	}
	if !v.PagerShown {
		t.Error("pager hidden for 250 devices")
	}
	want("page 1", v.Page1, htmlPageSize, htmlPageSize)
	want("page 2", v.Page2, htmlPageSize, htmlPageSize)
	want("page 3", v.Page3, 50, 50)
	want("HP filter", v.HP, 50, 50)
	if v.Info1 != "devices 1–100 of 250 (page 1 of 3)" || v.InfoHP != "devices 1–50 of 50 (page 1 of 1)" {
		t.Errorf("pager text %q, with the HP filter %q", v.Info1, v.InfoHP)
	}
	if !v.NextDisabled || v.BackToFirst != "shown" {
		t.Errorf("next disabled on the last page: %v; first device after clearing the filter: %s", v.NextDisabled, v.BackToFirst)
	}
	if v.Results != len(run.Results) {
		t.Errorf("%d result rows in the page, want all %d", v.Results, len(run.Results))
	}
	if !v.LinkShown || !v.LinkOpen || v.FirstAfterLink != "hidden" {
		t.Errorf("link to device 230 from page 1: shown %v, open %v, device 0 %s", v.LinkShown, v.LinkOpen, v.FirstAfterLink)
	}
}
