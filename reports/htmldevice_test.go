package reports

import (
	"bytes"
	"html/template"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfile"
	"github.com/mfpscan/mfpscan/internal/testtable"
	"github.com/mfpscan/mfpscan/policies"
)

// referenceDeviceTemplate is the html/template markup the hand-written
// device rendering replaced.
func referenceDeviceTemplate(t testing.TB) *template.Template {
	t.Helper()
	text := testfile.Read(t, "testdata/html_device.tmpl")
	tm, err := template.New("ref").Funcs(template.FuncMap{"httpsURL": httpsURL}).Parse(string(text))
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// compareDeviceRendering checks that the row and section of hd are the
// template's, byte for byte, and returns them.
func compareDeviceRendering(t testing.TB, ref *template.Template, hd *htmlDevice) string {
	t.Helper()
	var out strings.Builder
	for _, part := range []struct {
		name   string
		render func(*htmlBuf, *htmlDevice)
	}{{"row", (*htmlBuf).renderRow}, {"device", (*htmlBuf).renderDevice}} {
		var want bytes.Buffer
		if err := ref.ExecuteTemplate(&want, part.name, hd); err != nil {
			t.Fatal(err)
		}
		var got htmlBuf
		part.render(&got, hd)
		if !bytes.Equal(got.b, want.Bytes()) {
			g, w := string(got.b), want.String()
			i := 0
			for i < len(g) && i < len(w) && g[i] == w[i] {
				i++
			}
			t.Fatalf("%s differs from the template at byte %d:\n got  …%q\n want …%q", part.name, i, g[max(0, i-60):min(len(g), i+60)], w[max(0, i-60):min(len(w), i+60)])
		}
		out.Write(got.b)
	}
	return out.String()
}

func TestHTMLDeviceMatchesTemplate(t *testing.T) {
	ref := referenceDeviceTemplate(t)
	run := fixtureRun()
	ix := indexRun(&Run{Rules: run.Rules})
	for i, d := range run.Devices {
		var results []policies.Result
		for _, r := range run.Results {
			if r.Address == d.Address {
				results = append(results, r)
			}
		}
		if len(results) == 0 {
			t.Fatalf("fixture device %s has no results", d.Address)
		}
		compareDeviceRendering(t, ref, buildHTMLDevice(i, d, results, ix))
	}
	// A device with nothing collected takes every "none" and "not
	// collected" branch.
	compareDeviceRendering(t, ref, buildHTMLDevice(9, &facts.Device{Address: "127.77.0.99"}, nil, ix))
}

// hostileDevice puts s into every device-supplied string the HTML report
// shows and link into every URL, with rule text, findings, waivers and
// links that take every branch of the markup.
func hostileDevice(s, link string) (*htmlDevice, runIndex) {
	t, f := true, false
	id := canonID(s, s)
	id.Vendor.Value, id.DeviceID = s, s
	id.Firmware = &facts.Attribute{Value: s, Source: s, Confidence: facts.Confidence(s)}
	d := &facts.Device{
		Address: s, IPClass: facts.IPClass(s), Identity: id,
		Ports: []facts.Port{{Port: 80, Protocol: s, State: "open", Service: s}, {Port: 9, State: "closed"}},
		HTTP:  []facts.HTTPService{{Port: 80, TLS: true, Status: facts.Status(s), StatusCode: 200, Title: s, Server: s}, {Port: 8080}},
		TLS: []facts.TLSService{{Port: 443, Status: facts.Status(s), Versions: map[string]bool{"tls1_0": true, "ssl3": false},
			Certificate: &facts.Certificate{Subject: s, Issuer: s, DefaultCanonSubject: true}}, {Port: 8443}},
		SNMP:     &facts.SNMP{Status: facts.Status(s), V1: &t, V2c: &f, CommunitiesAccepted: []string{s, s}, SysDescr: s},
		RemoteUI: &facts.RemoteUI{Present: true, Ports: []int{80, 443}, LoginMode: s, OpenPages: []string{s, s}},
		Firmware: &facts.Firmware{Version: s, AdvisoryStatus: s, Advisories: []facts.Advisory{
			{ID: s, CVEs: []string{s, s}, FixedIn: s, URL: link}, {ID: s, URL: s}}},
		Collectors: map[string]facts.CollectorStatus{s: {Status: facts.Status(s), Reason: s}, "b": {Status: facts.StatusOK}},
	}
	rules := []policies.Rule{
		{ID: "R-1", Title: s, GuidePoint: 2, Remediation: s, RelatedResources: []string{link, s}},
		{ID: s, GuidePoint: 3, Remediation: s, RelatedResources: []string{link}},
	}
	ix := indexRun(&Run{Rules: rules})
	results := []policies.Result{
		{RuleID: "R-1", Status: policies.StatusFail, Severity: s, Findings: []policies.Finding{
			{Message: s, Fact: s, Evidence: map[string]any{s: s, "n": 3}, Related: &policies.Ref{RuleID: s, Fact: s}},
			{Message: s, Consequences: []policies.Ref{{RuleID: s}, {RuleID: "R-2"}}},
			{Message: s, Related: &policies.Ref{RuleID: s}},
		}, Reasons: []string{s, s}},
		{RuleID: s, Status: policies.StatusWaived, Severity: "low", Waiver: &policies.Waiver{Reason: s}},
		{RuleID: "R-1", Status: policies.StatusReview, Reasons: []string{s}},
		{RuleID: "R-1", Status: policies.Status(s)},
		{RuleID: "unknown-rule", Status: policies.StatusPass},
	}
	return buildHTMLDevice(3, d, results, ix), ix
}

var hostileStrings = []string{
	xssTitle, xssAttr, ansiString,
	`a & b "c" 'd' <e> f+g`,
	"nul\x00byte", "bad utf-8 \xff\xfe \xc3", "\uFFFD \uFDD0 \uFFFF",
	`</details><script>alert(4)</script>`, `javascript:alert(5)`,
	"", "plain",
}

func TestHTMLDeviceHostileStrings(t *testing.T) {
	ref := referenceDeviceTemplate(t)
	for _, s := range hostileStrings {
		for _, link := range []string{
			"https://psirt.example/a?b=c&d=e+f#g",
			`https://x.example/"><script>alert(6)</script>`,
			"https://x.example/%41%zz%4 é ' ( ) \x00 \x7f",
			"https://x.example/" + s,
		} {
			hd, _ := hostileDevice(s, link)
			out := compareDeviceRendering(t, ref, hd)
			for _, bad := range []string{"<script", `" onerror=`, "<e>", "\x00"} {
				if strings.Contains(out, bad) {
					t.Errorf("raw %q in the device markup for %q, %q", bad, s, link)
				}
			}
		}
	}
}

func TestAppendHTMLText(t *testing.T) {
	text := func(in string) string { return string(appendHTMLText(nil, in)) }
	testtable.Mapping(t, "appendHTMLText", text, map[string]string{
		"":                      "",
		"plain text":            "plain text",
		`<b a="1">&'+</b>`:      "&lt;b a=&#34;1&#34;&gt;&amp;&#39;&#43;&lt;/b&gt;",
		"nul\x00":               "nul\uFFFD",
		"\xff invalid é":        "\xff invalid é",
		"\x1b[31m control kept": "\x1b[31m control kept", // controlFilter drops it later
	})
}

func TestAppendHTMLURL(t *testing.T) {
	url := func(in string) string { return string(appendHTMLURL(nil, in)) }
	testtable.Mapping(t, "appendHTMLURL", url, map[string]string{
		"https://a.example/p?q=1&r=2+3#f": "https://a.example/p?q=1&amp;r=2&#43;3#f",
		`https://a.example/"'<>()`:        "https://a.example/%22%27%3c%3e%28%29",
		"https://a.example/%41%4g%4":      "https://a.example/%41%254g%254",
		"https://a.example/é\x00 ":        "https://a.example/%c3%a9%00%20",
	})
}

// FuzzHTMLDevice compares the hand-written device markup with the
// template's for arbitrary device strings and links.
func FuzzHTMLDevice(f *testing.F) {
	for _, s := range hostileStrings {
		f.Add(s, "https://x.example/"+s)
	}
	f.Add("a", "https://x.example/%4")
	ref := referenceDeviceTemplate(f)
	f.Fuzz(func(t *testing.T, s, link string) {
		hd, _ := hostileDevice(s, link)
		compareDeviceRendering(t, ref, hd)
	})
}

func TestControlFilter(t *testing.T) {
	for in, want := range map[string]string{
		"plain\ttext\r\n":          "plain\ttext\r\n", // written as is
		"a\x1b[31mb\x07c\x7f\x00d": "a[31mbcd",
		"é\x01ü":                   "éü",
	} {
		var buf bytes.Buffer
		n, err := controlFilter{&buf}.Write([]byte(in))
		if err != nil || n != len(in) {
			t.Errorf("Write(%q) = %d, %v", in, n, err)
		}
		if buf.String() != want {
			t.Errorf("Write(%q) wrote %q, want %q", in, buf.String(), want)
		}
	}
}
