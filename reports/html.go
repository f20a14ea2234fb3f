package reports

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/policies"
)

//go:embed html/report.tmpl html/style.css html/app.js
var htmlAssets embed.FS

// HTMLWriter writes the self-contained HTML report.
type HTMLWriter struct{}

// Name implements Writer.
func (HTMLWriter) Name() string { return "html" }

// Filename implements Writer.
func (HTMLWriter) Filename() string { return "report.html" }

// Write implements Writer.
func (h HTMLWriter) Write(w io.Writer, r *Run) error { return writeWhole(h, w, r) }

// htmlTemplates parses the report template and its embedded assets once per
// report.
func htmlTemplates() (*template.Template, template.CSS, template.JS, error) {
	tmplText, err := htmlAssets.ReadFile("html/report.tmpl")
	if err != nil {
		return nil, "", "", fmt.Errorf("read html template: %w", err)
	}
	css, err := htmlAssets.ReadFile("html/style.css")
	if err != nil {
		return nil, "", "", fmt.Errorf("read html stylesheet: %w", err)
	}
	js, err := htmlAssets.ReadFile("html/app.js")
	if err != nil {
		return nil, "", "", fmt.Errorf("read html script: %w", err)
	}
	t, err := template.New("report").Funcs(template.FuncMap{
		"httpsURL": httpsURL,
	}).Parse(string(tmplText))
	if err != nil {
		return nil, "", "", fmt.Errorf("parse html template: %w", err)
	}
	return t, template.CSS(css), template.JS(js), nil
}

// Begin implements StreamWriter. Each device's matrix row and details are
// rendered as it arrives into two spools; only a small per-device summary
// (its vendor) is kept. The page's head, which shows the totals, is
// rendered at the end and the spools copied after it. Everything
// device-supplied is escaped for its context: by html/template in the
// page around the devices (only our own embedded CSS and JS are marked
// trusted), by the same escaping rules in htmldevice.go for the devices.
func (HTMLWriter) Begin(out io.Writer, newSpool SpoolFunc, head *Run) (DeviceWriter, error) {
	t, css, js, err := htmlTemplates()
	if err != nil {
		return nil, err
	}
	sp, err := spools(newSpool, 2)
	if err != nil {
		return nil, err
	}
	return &htmlStream{out: out, t: t, css: css, js: js, rows: sp[0], details: sp[1],
		ix: indexRun(&Run{Rules: head.Rules}), vendors: map[string]bool{}}, nil
}

type htmlStream struct {
	out           io.Writer
	t             *template.Template
	css           template.CSS
	js            template.JS
	rows, details Spool
	ix            runIndex
	n             int
	vendors       map[string]bool
	buf           htmlBuf // reused from device to device
}

func (s *htmlStream) Device(dr *DeviceResult) error {
	if dr.Device == nil {
		return nil
	}
	hd := buildHTMLDevice(s.n, dr.Device, dr.Results, s.ix)
	s.n++
	s.vendors[hd.Vendor] = true
	s.buf.b = s.buf.b[:0]
	s.buf.renderRow(hd)
	if _, err := (controlFilter{s.rows}).Write(s.buf.b); err != nil {
		return fmt.Errorf("render html report: %w", err)
	}
	s.buf.b = s.buf.b[:0]
	s.buf.renderDevice(hd)
	if _, err := (controlFilter{s.details}).Write(s.buf.b); err != nil {
		return fmt.Errorf("render html report: %w", err)
	}
	return nil
}

func (s *htmlStream) Close() { closeSpools(s.rows, s.details) }

func (s *htmlStream) End(r *Run) error {
	defer s.Close()
	v := buildHTMLView(r, s.vendors, s.n)
	var err error
	if v.Trends, err = trendsHTML(r.Trends); err != nil {
		return err
	}
	v.CSS, v.JS = s.css, s.js
	w := controlFilter{s.out}
	for _, part := range []struct {
		name string
		body Spool
	}{{"head", s.rows}, {"mid", s.details}, {"tail", nil}} {
		if err := s.t.ExecuteTemplate(w, part.name, v); err != nil {
			return fmt.Errorf("render html report: %w", err)
		}
		if part.body != nil {
			if err := part.body.CopyTo(s.out); err != nil {
				return fmt.Errorf("render html report: %w", err)
			}
		}
	}
	return nil
}

// httpsURL reports whether s may be rendered as a link: documentation
// links only, never another scheme.
func httpsURL(s string) bool { return strings.HasPrefix(s, "https://") }

type htmlView struct {
	Scan      facts.Scan
	Site      string
	Summary   Summary
	Printers  int
	MFPs      int
	SevBars   []htmlBar
	Statuses  []htmlCount
	Points    []htmlPoint
	Vendors   []string
	Expired   []policies.Waiver
	Data      htmlData
	CSS       template.CSS
	JS        template.JS
	NoDevices bool
	Trends    template.HTML
}

// htmlData is handed to the script as a JSON block.
type htmlData struct {
	Points     []string `json:"points"`
	Severities []string `json:"severities"`
	Devices    int      `json:"devices"`
	// PageSize is how many devices the page shows at once: a fleet of
	// thousands is one file, but the browser lays out one page of it.
	PageSize int `json:"page_size"`
}

// htmlPageSize is the devices shown per page of the report.
const htmlPageSize = 100

type htmlBar struct {
	Name  string
	Count int
	X, W  float64
}

type htmlCount struct {
	Name  string
	Count int
}

type htmlPoint struct {
	N    int
	Name string
}

type htmlDevice struct {
	Anchor    string
	Address   string
	Vendor    string
	Model     string
	Serial    string
	Firmware  string
	DeviceID  string
	IPClass   string
	Identity  []facts.IdentityHint
	Attrs     []htmlAttr
	Ports     []string
	TLS       []htmlTLS
	HTTP      []facts.HTTPService
	SNMP      *facts.SNMP
	RemoteUI  *facts.RemoteUI
	FW        *facts.Firmware
	Cells     []htmlCell
	Fails     int
	Worst     string
	Results   []htmlResult
	Collector []htmlAttr
}

type htmlAttr struct {
	Field, Value, Source, Confidence string
}

type htmlTLS struct {
	Port     int
	Status   string
	Versions string
	Subject  string
	Issuer   string
	Default  bool
}

type htmlCell struct {
	Point  int
	Status string
	Fails  int
	Total  int
}

type htmlResult struct {
	RuleID      string
	Title       string
	Severity    string
	Status      string
	Point       int
	Findings    []policies.Finding
	Evidence    []string
	Reasons     []string
	Remediation string
	Links       []string
	Waiver      string
}

// buildHTMLView is the page around the devices: totals, charts, filters.
func buildHTMLView(r *Run, vendors map[string]bool, devices int) *htmlView {
	t := TotalsOf(r)
	v := &htmlView{Scan: r.Scan, Site: siteName(r.Site), Summary: Summarize(r), Printers: t.Printers, MFPs: t.MFPs}
	for n := 1; n < len(guidePoints); n++ {
		v.Points = append(v.Points, htmlPoint{N: n, Name: guidePoints[n]})
		v.Data.Points = append(v.Data.Points, guidePoints[n])
	}
	v.Data.Severities = policies.Severities
	v.Data.Devices = v.Summary.Devices
	v.Data.PageSize = htmlPageSize
	v.Expired = r.ExpiredWaivers
	total := 0
	for _, s := range policies.Severities {
		total += v.Summary.BySeverity[s]
	}
	x := 0.0
	for _, s := range policies.Severities {
		c := v.Summary.BySeverity[s]
		w := 0.0
		if total > 0 {
			w = 100 * float64(c) / float64(total)
		}
		v.SevBars = append(v.SevBars, htmlBar{Name: s, Count: c, X: x, W: w})
		x += w
	}
	for _, s := range statusOrder {
		v.Statuses = append(v.Statuses, htmlCount{Name: string(s), Count: v.Summary.ByStatus[s]})
	}
	for vend := range vendors {
		v.Vendors = append(v.Vendors, vend)
	}
	sort.Strings(v.Vendors)
	v.NoDevices = devices == 0
	return v
}

func buildHTMLDevice(i int, d *facts.Device, results []policies.Result, ix runIndex) *htmlDevice {
	id := d.Identity
	hd := &htmlDevice{
		Anchor:   fmt.Sprintf("dev-%d", i),
		Address:  d.Address,
		Vendor:   nonEmpty(attr(id.Vendor), "unknown"),
		Model:    attr(id.Model),
		Serial:   attr(id.Serial),
		Firmware: attr(id.Firmware),
		DeviceID: id.DeviceID,
		IPClass:  string(d.IPClass),
		Identity: id.Sources,
		HTTP:     d.HTTP,
		SNMP:     d.SNMP,
		RemoteUI: d.RemoteUI,
		FW:       d.Firmware,
		Worst:    "none",
	}
	for _, a := range []struct {
		name string
		v    *facts.Attribute
	}{{"vendor", id.Vendor}, {"product family", id.Family}, {"model", id.Model},
		{"serial", id.Serial}, {"firmware", id.Firmware}, {"MAC", id.MAC}} {
		if a.v != nil {
			hd.Attrs = append(hd.Attrs, htmlAttr{a.name, a.v.Value, a.v.Source, string(a.v.Confidence)})
		}
	}
	for _, p := range d.Ports {
		if p.State == "open" {
			hd.Ports = append(hd.Ports, strings.TrimSpace(fmt.Sprintf("%d/%s %s", p.Port, p.Protocol, p.Service)))
		}
	}
	for _, t := range d.TLS {
		ht := htmlTLS{Port: t.Port, Status: string(t.Status), Versions: tlsVersions(t.Versions)}
		if t.Certificate != nil {
			ht.Subject, ht.Issuer, ht.Default = t.Certificate.Subject, t.Certificate.Issuer, t.Certificate.DefaultCanonSubject
		}
		hd.TLS = append(hd.TLS, ht)
	}
	names := make([]string, 0, len(d.Collectors))
	for n := range d.Collectors {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := d.Collectors[n]
		hd.Collector = append(hd.Collector, htmlAttr{Field: n, Value: string(c.Status), Source: c.Reason})
	}
	hd.Cells = make([]htmlCell, len(guidePoints)-1)
	for n := range hd.Cells {
		hd.Cells[n] = htmlCell{Point: n + 1, Status: "none"}
	}
	for _, res := range results {
		hd.addResult(res, ix)
	}
	return hd
}

// tlsVersions lists the accepted and refused protocol versions in order.
func tlsVersions(m map[string]bool) string {
	var on, off []string
	for _, k := range []string{"ssl3", "tls1_0", "tls1_1", "tls1_2", "tls1_3"} {
		acc, ok := m[k]
		switch {
		case !ok:
		case acc:
			on = append(on, k)
		default:
			off = append(off, k)
		}
	}
	s := "accepted: " + nonEmpty(strings.Join(on, " "), "none")
	if len(off) > 0 {
		s += "; refused: " + strings.Join(off, " ")
	}
	return s
}

// controlFilter drops ASCII control bytes other than tab and newlines:
// device strings may carry terminal escapes, which HTML forbids. Bytes below
// 0x80 never occur inside a UTF-8 multi-byte sequence, so this is safe on
// any text.
type controlFilter struct{ w io.Writer }

func (f controlFilter) Write(p []byte) (int, error) {
	if !hasControl(p) {
		if _, err := f.w.Write(p); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	clean := make([]byte, 0, len(p))
	for _, c := range p {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f {
			continue
		}
		clean = append(clean, c)
	}
	if _, err := f.w.Write(clean); err != nil {
		return 0, err
	}
	return len(p), nil
}

// hasControl reports whether controlFilter would drop a byte of p: device
// text almost never holds one, and then p is written as is.
func hasControl(p []byte) bool {
	for _, c := range p {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f {
			return true
		}
	}
	return false
}

// addResult records one rule outcome in the device detail and its matrix
// cell, which shows the worst status of the key point's rules.
func (hd *htmlDevice) addResult(res policies.Result, ix runIndex) {
	hr := htmlResult{RuleID: res.RuleID, Title: res.RuleID, Severity: res.Severity,
		Status: string(res.Status), Findings: res.Findings, Reasons: res.Reasons}
	if rl := ix.rules[res.RuleID]; rl != nil {
		hr.Title, hr.Point, hr.Remediation, hr.Links = nonEmpty(rl.Title, rl.ID), rl.GuidePoint, rl.Remediation, rl.RelatedResources
	}
	for _, f := range res.Findings {
		hr.Evidence = append(hr.Evidence, evidenceText(f.Evidence))
	}
	if res.Waiver != nil {
		hr.Waiver = res.Waiver.Reason
	}
	if res.Status == policies.StatusFail {
		hd.Fails++
	}
	if statusRank(res.Status) > statusRank(policies.Status(hd.Worst)) {
		hd.Worst = string(res.Status)
	}
	if hr.Point >= 1 && hr.Point <= len(hd.Cells) {
		c := &hd.Cells[hr.Point-1]
		c.Total++
		if res.Status == policies.StatusFail {
			c.Fails++
		}
		if statusRank(res.Status) > statusRank(policies.Status(c.Status)) {
			c.Status = string(res.Status)
		}
	}
	hd.Results = append(hd.Results, hr)
}
