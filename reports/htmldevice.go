package reports

import "github.com/mfpscan/mfpscan/facts"

// The device parts of the HTML report, rendered without html/template (see
// htmlescape.go for why and how the output is kept equal to the template's).
// The markup here and in testdata/html_device.tmpl must change together.

// renderRow appends a device's row of the key-point matrix.
func (h *htmlBuf) renderRow(d *htmlDevice) {
	h.markup(`<tr class="dev" data-vendor="`, d.Vendor, `" data-addr="`, d.Address, `" data-model="`, d.Model, `" data-fails="`)
	h.int(d.Fails)
	h.markup("\">\n<td><a href=\"#", d.Anchor, `">`, d.Address, `</a></td><td>`, d.Vendor, " ", d.Model, `</td><td class="n">`)
	h.int(d.Fails)
	h.raw("</td>\n")
	for _, c := range d.Cells {
		h.markup(`<td class="cell st-`, c.Status, `" data-point="`)
		h.int(c.Point)
		h.raw(`" title="key point `)
		h.int(c.Point)
		h.markup(": ", c.Status, `"><a href="#`, d.Anchor, `">`)
		if c.Total != 0 {
			if c.Fails != 0 {
				h.int(c.Fails)
				h.raw("/")
			}
			h.int(c.Total)
		} else {
			h.raw("·")
		}
		h.raw(`</a></td>`)
	}
	h.raw("\n</tr>\n")
}

// renderDevice appends a device's section: identity, services, results.
func (h *htmlBuf) renderDevice(d *htmlDevice) {
	h.markup("\n<details class=\"device\" id=\"", d.Anchor, `" data-vendor="`, d.Vendor, `"`)
	if d.Worst == "fail" {
		h.raw(" open")
	}
	h.raw(">\n<summary>")
	h.badge(d.Worst)
	h.markup(" ", d.Address, " — ", d.Vendor, " ", d.Model)
	if d.Serial != "" {
		h.markup(" (serial ", d.Serial, ")")
	}
	h.raw(" — ")
	h.int(d.Fails)
	h.markup(" failed</summary>\n<div class=\"grid\">\n<div>\n<h4>Identity</h4>\n<table class=\"plain\"><tbody>\n<tr><th>Device ID</th><td>", d.DeviceID,
		"</td><td></td></tr>\n<tr><th>IP class</th><td>", d.IPClass, "</td><td></td></tr>\n")
	for _, a := range d.Attrs {
		h.markup("<tr><th>", a.Field, "</th><td>", a.Value, `</td><td class="src">`, a.Source, " (", a.Confidence, ")</td></tr>")
	}
	h.raw("\n</tbody></table>\n")
	h.renderIdentitySources(d)
	h.raw("\n<h4>Open ports</h4>\n<p>")
	h.texts(d.Ports, ", ")
	if len(d.Ports) == 0 {
		h.raw("none recorded")
	}
	h.raw("</p>\n<h4>Collectors</h4>\n<p>")
	for i, c := range d.Collector {
		if i > 0 {
			h.raw("; ")
		}
		h.markup("", c.Field, ": ", c.Value)
		if c.Source != "" {
			h.markup(" (", c.Source, ")")
		}
	}
	if len(d.Collector) == 0 {
		h.raw("none")
	}
	h.raw("</p>\n</div>\n<div>\n")
	h.renderServices(d)
	h.raw("\n</div>\n</div>\n<h4>Results</h4>\n<table class=\"results\"><thead><tr><th>Status</th><th>Severity</th><th>KP</th><th>Rule</th><th>Details</th></tr></thead><tbody>\n")
	for i := range d.Results {
		h.renderResult(&d.Results[i])
	}
	h.raw("\n</tbody></table>\n</details>\n")
}

func (h *htmlBuf) renderIdentitySources(d *htmlDevice) {
	if len(d.Identity) == 0 {
		return
	}
	h.raw(`<details class="sources"><summary>All identity sources (`)
	h.int(len(d.Identity))
	h.raw(`)</summary><ul>`)
	for _, s := range d.Identity {
		h.markup("<li>", s.Field, " = ", s.Value, ` <span class="src">`, s.Source, ", ", string(s.Confidence), "</span></li>")
	}
	h.raw("</ul></details>")
}

// renderServices appends the right column: web servers, TLS, SNMP, the
// remote UI and firmware.
func (h *htmlBuf) renderServices(d *htmlDevice) {
	h.raw("<h4>Web servers</h4>\n")
	for _, s := range d.HTTP {
		h.raw("<p>Port ")
		h.int(s.Port)
		if s.TLS {
			h.raw(" (TLS)")
		}
		h.markup(" (", string(s.Status), ")")
		if s.StatusCode != 0 {
			h.raw(": HTTP ")
			h.int(s.StatusCode)
		}
		h.labelled("<br>Title: ", s.Title)
		h.labelled("<br>Server: ", s.Server)
		h.raw("</p>")
	}
	if len(d.HTTP) == 0 {
		h.raw("<p>not collected</p>")
	}
	h.raw("\n<h4>TLS</h4>\n")
	for _, t := range d.TLS {
		h.raw("<p>Port ")
		h.int(t.Port)
		h.markup(" (", t.Status, "): ", t.Versions)
		if t.Subject != "" {
			h.markup("<br>Certificate: ", t.Subject)
			if t.Default {
				h.raw(` <span class="warn">factory default subject</span>`)
			}
			h.markup("<br>Issuer: ", t.Issuer)
		}
		h.raw("</p>")
	}
	if len(d.TLS) == 0 {
		h.raw("<p>not collected</p>")
	}
	h.raw("\n<h4>SNMP</h4>\n")
	renderCollected(h, d.SNMP, (*htmlBuf).renderSNMP)
	h.raw("\n<h4>Remote UI</h4>\n")
	renderCollected(h, d.RemoteUI, (*htmlBuf).renderRemoteUI)
	h.raw("\n<h4>Firmware</h4>\n")
	renderCollected(h, d.FW, (*htmlBuf).renderFirmware)
}

// renderCollected renders an area with render, or says it was not collected
// when the device has none.
func renderCollected[T any](h *htmlBuf, area *T, render func(*htmlBuf, *T)) {
	if area == nil {
		h.raw("<p>not collected</p>")
		return
	}
	render(h, area)
}

func (h *htmlBuf) renderSNMP(s *facts.SNMP) {
	h.raw("<p>Status ")
	h.text(string(s.Status))
	for _, v := range []struct {
		label string
		v     *bool
	}{{"; v1 ", s.V1}, {", v2c ", s.V2c}, {", v3 ", s.V3}} {
		h.raw(v.label)
		if v.v != nil {
			h.bool(*v.v)
		} else {
			h.raw("unknown")
		}
	}
	h.raw(".\nCommunities accepted: ")
	h.texts(s.CommunitiesAccepted, ", ")
	if len(s.CommunitiesAccepted) == 0 {
		h.raw("none")
	}
	h.raw(".\n")
	h.labelled("<br>sysDescr: ", s.SysDescr)
	h.raw("</p>")
}

func (h *htmlBuf) renderRemoteUI(u *facts.RemoteUI) {
	h.raw("<p>Present: ")
	h.bool(u.Present)
	h.markup("; login mode: ", templateOr(u.LoginMode, "unknown"), "; ports ")
	for i, p := range u.Ports {
		if i > 0 {
			h.raw(", ")
		}
		h.int(p)
	}
	if len(u.OpenPages) > 0 {
		h.raw("<br>Pages open without login: ")
		h.texts(u.OpenPages, ", ")
	}
	h.raw("</p>")
}

func (h *htmlBuf) renderFirmware(f *facts.Firmware) {
	h.markup("<p>Version ", templateOr(f.Version, "unknown"), "; advisory status ", f.AdvisoryStatus, "</p>\n")
	if len(f.Advisories) == 0 {
		return
	}
	h.raw("<ul>")
	for _, a := range f.Advisories {
		h.raw("<li>")
		if httpsURL(a.URL) {
			h.raw(`<a href="`)
			h.url(a.URL)
			h.markup(`" rel="noreferrer">`, a.ID, "</a>")
		} else {
			h.text(a.ID)
		}
		h.raw(" ")
		for _, c := range a.CVEs {
			h.text(c)
			h.raw(" ")
		}
		if a.FixedIn != "" {
			h.markup("(fixed in ", a.FixedIn, ")")
		}
		h.raw("</li>")
	}
	h.raw("</ul>")
}

// renderResult appends one rule outcome as a row of the results table.
func (h *htmlBuf) renderResult(r *htmlResult) {
	h.markup(`<tr class="result" data-status="`, r.Status, `" data-severity="`, r.Severity, `" data-point="`)
	h.int(r.Point)
	h.raw("\">\n<td>")
	h.badge(r.Status)
	h.markup(`</td><td><span class="sev sev-`, r.Severity, `">`, r.Severity, "</span></td><td>")
	h.int(r.Point)
	h.markup("</td>\n<td><b>", r.RuleID, "</b><br>", r.Title, "</td>\n<td>")
	for i := range r.Findings {
		h.renderFinding(r, i)
	}
	h.raw("\n")
	for _, s := range r.Reasons {
		h.markup(`<p class="reason">`, s, "</p>")
	}
	h.raw("\n")
	if r.Waiver != "" {
		h.markup(`<p class="waiver">Waived: `, r.Waiver, "</p>")
	}
	h.raw("\n")
	switch r.Status {
	case "fail", "waived", "review", "related":
		if r.Remediation != "" {
			h.markup(`<p class="fix">Remediation: `, r.Remediation, "</p>")
		}
	}
	h.raw("\n")
	if r.Status == "fail" || r.Status == "waived" {
		for _, l := range r.Links {
			if httpsURL(l) {
				h.raw(`<a class="doc" href="`)
				h.url(l)
				h.markup(`" rel="noreferrer">`, l, "</a> ")
			} else {
				h.markup(`<span class="doc">`, l, "</span> ")
			}
		}
	}
	h.raw("</td>\n</tr>")
}

func (h *htmlBuf) renderFinding(r *htmlResult, i int) {
	f := &r.Findings[i]
	h.markup(`<p class="finding">`, f.Message)
	h.code(f.Fact)
	if ev := r.Evidence[i]; ev != "" {
		h.markup(`<br><span class="ev">Evidence: `, ev, "</span>")
	}
	if rel := f.Related; rel != nil {
		h.markup(`<br><span class="rel">Same root cause as `, rel.RuleID)
		h.code(rel.Fact)
		h.raw(", which fails for it.</span>")
	}
	if len(f.Consequences) > 0 {
		h.raw(`<br><span class="rel">Also the cause of:`)
		for _, c := range f.Consequences {
			h.markup(" ", c.RuleID)
		}
		h.raw(" (not failed again).</span>")
	}
	h.raw("</p>")
}

// templateOr is the template's or on two strings: s unless it is empty (a blank
// string counts as set, unlike nonEmpty).
func templateOr(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

// markup appends literal markup with device strings escaped into its holes:
// the pieces alternate literal, string, literal, string, … as the template's
// text did around its actions.
func (h *htmlBuf) markup(pieces ...string) {
	for i, p := range pieces {
		if i%2 == 0 {
			h.raw(p)
		} else {
			h.text(p)
		}
	}
}

// texts appends the strings escaped, sep between them.
func (h *htmlBuf) texts(items []string, sep string) {
	for i, s := range items {
		if i > 0 {
			h.raw(sep)
		}
		h.text(s)
	}
}

// labelled appends label and s, or nothing when s is empty.
func (h *htmlBuf) labelled(label, s string) {
	if s != "" {
		h.markup(label, s)
	}
}

// code appends a fact path as code after a space, or nothing when it is empty.
func (h *htmlBuf) code(fact string) {
	if fact != "" {
		h.markup(" <code>", fact, "</code>")
	}
}

// badge appends a status as its coloured badge.
func (h *htmlBuf) badge(status string) {
	h.markup(`<span class="badge st-`, status, `">`, status, "</span>")
}
