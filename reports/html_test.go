package reports

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/policies"
)

func renderHTML(t *testing.T, r *Run) string {
	t.Helper()
	var buf bytes.Buffer
	if err := (HTMLWriter{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestHTMLEscapesDeviceData(t *testing.T) {
	out := renderHTML(t, fixtureRun())
	for _, bad := range []string{"<script>alert", "<img src=x", `" onerror="alert(2)`, "\x1b", "\x07"} {
		if strings.Contains(out, bad) {
			i := strings.Index(out, bad)
			t.Errorf("raw %q in HTML: ...%s...", bad, out[max(0, i-80):min(len(out), i+80)])
		}
	}
	// The payloads are shown, escaped.
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(3)&gt;"} {
		if !strings.Contains(out, want) {
			t.Errorf("escaped %q missing", want)
		}
	}
	// Only our own inline script and the JSON data block.
	if n := strings.Count(out, "<script"); n != 2 {
		t.Errorf("%d script elements, want 2", n)
	}
}

var (
	attrURL = regexp.MustCompile(`(?i)<(\w+)[^>]*?\s(src|href|action|srcset|data|poster|xlink:href)\s*=\s*"([^"]*)"`)
	cssURL  = regexp.MustCompile(`(?i)url\(|@import`)
)

func TestHTMLSelfContained(t *testing.T) {
	out := renderHTML(t, fixtureRun())
	links := 0
	for _, m := range attrURL.FindAllStringSubmatch(out, -1) {
		tag, name, val := strings.ToLower(m[1]), strings.ToLower(m[2]), m[3]
		switch {
		case strings.HasPrefix(val, "#"):
		case tag == "a" && name == "href" && strings.HasPrefix(val, "https://"):
			links++ // documentation links are allowed, assets are not
		default:
			t.Errorf("external or unexpected reference: <%s %s=%q>", tag, name, val)
		}
	}
	if links == 0 {
		t.Error("no documentation links rendered")
	}
	if cssURL.MatchString(out) {
		t.Error("stylesheet loads something by URL")
	}
	for _, tag := range []string{"<link", "<img", "<iframe", "<object", "<embed"} {
		if strings.Contains(strings.ToLower(out), tag) {
			t.Errorf("HTML holds a %s element", tag)
		}
	}
}

func TestHTMLContent(t *testing.T) {
	run := fixtureRun()
	run.Scan.Incomplete = true
	out := renderHTML(t, run)
	for _, want := range []string{
		`id="matrix"`, `id="incomplete"`, `id="f-severity"`, `id="f-status"`, `id="f-point"`, `id="f-vendor"`,
		"@media print", "Using the Audit Log", "vendor update scheduled for Q2", "127.77.0.0/24",
		"Settings/Registration &gt; Network Settings", `href="https://psirt.canon/advisory-information/cp2023-001/"`,
		"accepted: tls1_0 tls1_1 tls1_2; refused: tls1_3", "login mode: none", "<svg",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	// Matrix: the device .10 row has a fail cell for key point 4 with 1/1.
	row := regexp.MustCompile(`(?s)<tr class="dev"[^>]*data-addr="127.77.0.10".*?</tr>`).FindString(out)
	cell := regexp.MustCompile(`<td class="cell st-fail" data-point="4"[^>]*><a href="#dev-\d+">1/1</a></td>`)
	if !cell.MatchString(row) {
		t.Errorf("matrix row for 127.77.0.10 lacks a fail cell for key point 4:\n%s", row)
	}
	if !strings.Contains(row, `data-point="7" title="key point 7: waived"`) {
		t.Errorf("matrix cell 7 is not waived:\n%s", row)
	}
}

func TestHTMLEmpty(t *testing.T) {
	out := renderHTML(t, &Run{})
	if !strings.Contains(out, "No devices were found") {
		t.Error("empty report does not say no devices were found")
	}
}

// BenchmarkHTML1000 renders a 1,000-device fleet; run with -bench to see it
// stays linear.
func BenchmarkHTML1000(b *testing.B) {
	run := bigRun(1000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var buf bytes.Buffer
		if err := (HTMLWriter{}).Write(&buf, run); err != nil {
			b.Fatal(err)
		}
	}
}

func bigRun(n int) *Run {
	run := &Run{Scan: facts.Scan{Version: "1.2.3", StartedAt: time.Unix(0, 0)}, Rules: fixtureRules()}
	for i := 0; i < n; i++ {
		d := fixtureDevices()[0]
		d.Address = fmt.Sprintf("127.78.%d.%d", i/250, i%250+1)
		d.Identity.DeviceID = "serial:" + d.Address
		run.Devices = append(run.Devices, d)
		for _, rl := range run.Rules {
			run.Results = append(run.Results, policies.Result{RuleID: rl.ID, Address: d.Address, DeviceID: d.Identity.DeviceID,
				Status: policies.StatusFail, Severity: rl.Severity, Findings: []policies.Finding{{Message: "m", Fact: "/tls/0"}}})
		}
	}
	return run
}

func TestHTMLLargeFleet(t *testing.T) {
	out := renderHTML(t, bigRun(1000))
	if n := strings.Count(out, `<tr class="dev"`); n != 1000 {
		t.Errorf("matrix rows = %d, want 1000", n)
	}
	if n := strings.Count(out, `<tr class="result"`); n != 6000 {
		t.Errorf("result rows = %d, want 6000", n)
	}
}
