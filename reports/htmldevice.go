package reports

// The device parts of the HTML report, rendered without html/template (see
// htmlescape.go for why and how the output is kept equal to the template's).
// The markup here and in testdata/html_device.tmpl must change together.

// renderRow appends a device's row of the key-point matrix.
func (h *htmlBuf) renderRow(d *htmlDevice) {
	h.raw(`<tr class="dev" data-vendor="`)
	h.text(d.Vendor)
	h.raw(`" data-addr="`)
	h.text(d.Address)
	h.raw(`" data-model="`)
	h.text(d.Model)
	h.raw(`" data-fails="`)
	h.int(d.Fails)
	h.raw("\">\n<td><a href=\"#")
	h.text(d.Anchor)
	h.raw(`">`)
	h.text(d.Address)
	h.raw(`</a></td><td>`)
	h.text(d.Vendor)
	h.raw(" ")
	h.text(d.Model)
	h.raw(`</td><td class="n">`)
	h.int(d.Fails)
	h.raw("</td>\n")
	for _, c := range d.Cells {
		h.raw(`<td class="cell st-`)
		h.text(c.Status)
		h.raw(`" data-point="`)
		h.int(c.Point)
		h.raw(`" title="key point `)
		h.int(c.Point)
		h.raw(": ")
		h.text(c.Status)
		h.raw(`"><a href="#`)
		h.text(d.Anchor)
		h.raw(`">`)
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
	h.raw("\n<details class=\"device\" id=\"")
	h.text(d.Anchor)
	h.raw(`" data-vendor="`)
	h.text(d.Vendor)
	h.raw(`"`)
	if d.Worst == "fail" {
		h.raw(" open")
	}
	h.raw(">\n<summary><span class=\"badge st-")
	h.text(d.Worst)
	h.raw(`">`)
	h.text(d.Worst)
	h.raw("</span> ")
	h.text(d.Address)
	h.raw(" — ")
	h.text(d.Vendor)
	h.raw(" ")
	h.text(d.Model)
	if d.Serial != "" {
		h.raw(" (serial ")
		h.text(d.Serial)
		h.raw(")")
	}
	h.raw(" — ")
	h.int(d.Fails)
	h.raw(" failed</summary>\n<div class=\"grid\">\n<div>\n<h4>Identity</h4>\n<table class=\"plain\"><tbody>\n<tr><th>Device ID</th><td>")
	h.text(d.DeviceID)
	h.raw("</td><td></td></tr>\n<tr><th>IP class</th><td>")
	h.text(d.IPClass)
	h.raw("</td><td></td></tr>\n")
	for _, a := range d.Attrs {
		h.raw("<tr><th>")
		h.text(a.Field)
		h.raw("</th><td>")
		h.text(a.Value)
		h.raw(`</td><td class="src">`)
		h.text(a.Source)
		h.raw(" (")
		h.text(a.Confidence)
		h.raw(")</td></tr>")
	}
	h.raw("\n</tbody></table>\n")
	h.renderIdentitySources(d)
	h.raw("\n<h4>Open ports</h4>\n<p>")
	for i, p := range d.Ports {
		if i > 0 {
			h.raw(", ")
		}
		h.text(p)
	}
	if len(d.Ports) == 0 {
		h.raw("none recorded")
	}
	h.raw("</p>\n<h4>Collectors</h4>\n<p>")
	for i, c := range d.Collector {
		if i > 0 {
			h.raw("; ")
		}
		h.text(c.Field)
		h.raw(": ")
		h.text(c.Value)
		if c.Source != "" {
			h.raw(" (")
			h.text(c.Source)
			h.raw(")")
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
		h.raw("<li>")
		h.text(s.Field)
		h.raw(" = ")
		h.text(s.Value)
		h.raw(` <span class="src">`)
		h.text(s.Source)
		h.raw(", ")
		h.text(string(s.Confidence))
		h.raw("</span></li>")
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
		h.raw(" (")
		h.text(string(s.Status))
		h.raw(")")
		if s.StatusCode != 0 {
			h.raw(": HTTP ")
			h.int(s.StatusCode)
		}
		if s.Title != "" {
			h.raw("<br>Title: ")
			h.text(s.Title)
		}
		if s.Server != "" {
			h.raw("<br>Server: ")
			h.text(s.Server)
		}
		h.raw("</p>")
	}
	if len(d.HTTP) == 0 {
		h.raw("<p>not collected</p>")
	}
	h.raw("\n<h4>TLS</h4>\n")
	for _, t := range d.TLS {
		h.raw("<p>Port ")
		h.int(t.Port)
		h.raw(" (")
		h.text(t.Status)
		h.raw("): ")
		h.text(t.Versions)
		if t.Subject != "" {
			h.raw("<br>Certificate: ")
			h.text(t.Subject)
			if t.Default {
				h.raw(` <span class="warn">factory default subject</span>`)
			}
			h.raw("<br>Issuer: ")
			h.text(t.Issuer)
		}
		h.raw("</p>")
	}
	if len(d.TLS) == 0 {
		h.raw("<p>not collected</p>")
	}
	h.raw("\n<h4>SNMP</h4>\n")
	h.renderSNMP(d)
	h.raw("\n<h4>Remote UI</h4>\n")
	h.renderRemoteUI(d)
	h.raw("\n<h4>Firmware</h4>\n")
	h.renderFirmware(d)
}

func (h *htmlBuf) renderSNMP(d *htmlDevice) {
	s := d.SNMP
	if s == nil {
		h.raw("<p>not collected</p>")
		return
	}
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
	for i, c := range s.CommunitiesAccepted {
		if i > 0 {
			h.raw(", ")
		}
		h.text(c)
	}
	if len(s.CommunitiesAccepted) == 0 {
		h.raw("none")
	}
	h.raw(".\n")
	if s.SysDescr != "" {
		h.raw("<br>sysDescr: ")
		h.text(s.SysDescr)
	}
	h.raw("</p>")
}

func (h *htmlBuf) renderRemoteUI(d *htmlDevice) {
	u := d.RemoteUI
	if u == nil {
		h.raw("<p>not collected</p>")
		return
	}
	h.raw("<p>Present: ")
	h.bool(u.Present)
	h.raw("; login mode: ")
	h.text(templateOr(u.LoginMode, "unknown"))
	h.raw("; ports ")
	for i, p := range u.Ports {
		if i > 0 {
			h.raw(", ")
		}
		h.int(p)
	}
	if len(u.OpenPages) > 0 {
		h.raw("<br>Pages open without login: ")
		for i, p := range u.OpenPages {
			if i > 0 {
				h.raw(", ")
			}
			h.text(p)
		}
	}
	h.raw("</p>")
}

func (h *htmlBuf) renderFirmware(d *htmlDevice) {
	f := d.FW
	if f == nil {
		h.raw("<p>not collected</p>")
		return
	}
	h.raw("<p>Version ")
	h.text(templateOr(f.Version, "unknown"))
	h.raw("; advisory status ")
	h.text(f.AdvisoryStatus)
	h.raw("</p>\n")
	if len(f.Advisories) == 0 {
		return
	}
	h.raw("<ul>")
	for _, a := range f.Advisories {
		h.raw("<li>")
		if httpsURL(a.URL) {
			h.raw(`<a href="`)
			h.url(a.URL)
			h.raw(`" rel="noreferrer">`)
			h.text(a.ID)
			h.raw("</a>")
		} else {
			h.text(a.ID)
		}
		h.raw(" ")
		for _, c := range a.CVEs {
			h.text(c)
			h.raw(" ")
		}
		if a.FixedIn != "" {
			h.raw("(fixed in ")
			h.text(a.FixedIn)
			h.raw(")")
		}
		h.raw("</li>")
	}
	h.raw("</ul>")
}

// renderResult appends one rule outcome as a row of the results table.
func (h *htmlBuf) renderResult(r *htmlResult) {
	h.raw(`<tr class="result" data-status="`)
	h.text(r.Status)
	h.raw(`" data-severity="`)
	h.text(r.Severity)
	h.raw(`" data-point="`)
	h.int(r.Point)
	h.raw("\">\n<td><span class=\"badge st-")
	h.text(r.Status)
	h.raw(`">`)
	h.text(r.Status)
	h.raw(`</span></td><td><span class="sev sev-`)
	h.text(r.Severity)
	h.raw(`">`)
	h.text(r.Severity)
	h.raw("</span></td><td>")
	h.int(r.Point)
	h.raw("</td>\n<td><b>")
	h.text(r.RuleID)
	h.raw("</b><br>")
	h.text(r.Title)
	h.raw("</td>\n<td>")
	for i := range r.Findings {
		h.renderFinding(r, i)
	}
	h.raw("\n")
	for _, s := range r.Reasons {
		h.raw(`<p class="reason">`)
		h.text(s)
		h.raw("</p>")
	}
	h.raw("\n")
	if r.Waiver != "" {
		h.raw(`<p class="waiver">Waived: `)
		h.text(r.Waiver)
		h.raw("</p>")
	}
	h.raw("\n")
	switch r.Status {
	case "fail", "waived", "review", "related":
		if r.Remediation != "" {
			h.raw(`<p class="fix">Remediation: `)
			h.text(r.Remediation)
			h.raw("</p>")
		}
	}
	h.raw("\n")
	if r.Status == "fail" || r.Status == "waived" {
		for _, l := range r.Links {
			if httpsURL(l) {
				h.raw(`<a class="doc" href="`)
				h.url(l)
				h.raw(`" rel="noreferrer">`)
				h.text(l)
				h.raw("</a> ")
			} else {
				h.raw(`<span class="doc">`)
				h.text(l)
				h.raw("</span> ")
			}
		}
	}
	h.raw("</td>\n</tr>")
}

func (h *htmlBuf) renderFinding(r *htmlResult, i int) {
	f := &r.Findings[i]
	h.raw(`<p class="finding">`)
	h.text(f.Message)
	if f.Fact != "" {
		h.raw(" <code>")
		h.text(f.Fact)
		h.raw("</code>")
	}
	if ev := r.Evidence[i]; ev != "" {
		h.raw(`<br><span class="ev">Evidence: `)
		h.text(ev)
		h.raw("</span>")
	}
	if rel := f.Related; rel != nil {
		h.raw(`<br><span class="rel">Same root cause as `)
		h.text(rel.RuleID)
		if rel.Fact != "" {
			h.raw(" <code>")
			h.text(rel.Fact)
			h.raw("</code>")
		}
		h.raw(", which fails for it.</span>")
	}
	if len(f.Consequences) > 0 {
		h.raw(`<br><span class="rel">Also the cause of:`)
		for _, c := range f.Consequences {
			h.raw(" ")
			h.text(c.RuleID)
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
