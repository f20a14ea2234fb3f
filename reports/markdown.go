package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/mfpscan/mfpscan/policies"
)

// MarkdownWriter writes summary.md, sized for a CI job summary such as
// GitHub's $GITHUB_STEP_SUMMARY.
type MarkdownWriter struct{}

// Name implements Writer.
func (MarkdownWriter) Name() string { return "markdown" }

// Filename implements Writer.
func (MarkdownWriter) Filename() string { return "summary.md" }

// mdTopRules bounds the failed-rules table so a large fleet still fits in a
// job summary.
const mdTopRules = 10

// mdSpecial are the characters that change meaning inside a GitHub
// flavoured Markdown table cell (emphasis, code, links, raw HTML, entities,
// math, mentions, the cell separator); each is backslash-escaped.
const mdSpecial = "\\`*_{}[]()<>#!|~&$@"

// mdLeading change meaning only at the start of a line (setext underlines,
// list items); '#' and '>' are in mdSpecial already.
const mdLeading = "-=+"

// MarkdownEscape makes a device-supplied string inert inside a Markdown
// table cell: control characters and escapes are removed, newlines become
// spaces, and every character with Markdown or HTML meaning is escaped, so
// no link, emphasis, table break, heading or raw HTML can come from a device.
// max bounds the length in runes (0 means no limit).
func MarkdownEscape(s string, max int) string {
	s = strings.TrimSpace(Sanitize(s, max))
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		if r < 0x80 && (strings.ContainsRune(mdSpecial, r) || (i == 0 && strings.ContainsRune(mdLeading, r))) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdCell escapes s for a table cell, with "-" for an empty value.
func mdCell(s string, max int) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return MarkdownEscape(s, max)
}

// Write implements Writer.
func (MarkdownWriter) Write(w io.Writer, r *Run) error {
	var b strings.Builder
	ix := indexRun(r)
	sum := Summarize(r)
	fmt.Fprintf(&b, "## mfpscan: %s\n\n", MarkdownEscape(siteName(r.Site), 80))
	if r.Scan.Incomplete {
		b.WriteString("> **Incomplete scan**: it was interrupted or hit its deadline; results cover the devices reached until then.\n\n")
	}
	fmt.Fprintf(&b, "%d device(s), %d failed result(s).\n\n", sum.Devices, sum.ByStatus[policies.StatusFail])

	b.WriteString("| Severity | Failed |\n|---|---:|\n")
	for _, s := range policies.Severities {
		fmt.Fprintf(&b, "| %s | %d |\n", s, sum.BySeverity[s])
	}
	b.WriteString("\n| Status | Results |\n|---|---:|\n")
	for _, s := range statusOrder {
		fmt.Fprintf(&b, "| %s | %d |\n", s, sum.ByStatus[s])
	}
	if n := sum.ByStatus[policies.StatusRelated]; n > 0 {
		fmt.Fprintf(&b, "\n%d result(s) share their root cause with a failed result and point at it (status related) instead of failing again.\n", n)
	}

	rows, ruleFails := summaryRows(r, ix)
	b.WriteString("\n### Devices\n\n")
	if len(rows) == 0 {
		b.WriteString("No devices were found.\n")
	} else {
		b.WriteString("| Address | Device | Device ID | Critical | High | Medium | Low | Info | Waived |\n")
		b.WriteString("|---|---|---|---:|---:|---:|---:|---:|---:|\n")
		for _, row := range rows {
			id := ""
			if d := ix.devices[row.addr]; d != nil {
				id = d.Identity.DeviceID
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %d | %d | %d | %d | %d | %d |\n",
				mdCell(row.addr, maxCell), mdCell(row.model, maxCell), mdCell(id, maxCell),
				row.fails["critical"], row.fails["high"], row.fails["medium"], row.fails["low"], row.fails["info"], row.waived)
		}
	}
	writeMarkdownTopRules(&b, ruleFails, ix)
	writeMarkdownExpired(&b, r.ExpiredWaivers)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write markdown summary: %w", err)
	}
	return nil
}

func writeMarkdownTopRules(b *strings.Builder, ruleFails map[string]int, ix runIndex) {
	if len(ruleFails) == 0 {
		b.WriteString("\nNo rule failed.\n")
		return
	}
	ids := rulesByFails(ruleFails)
	more := 0
	if len(ids) > mdTopRules {
		more = len(ids) - mdTopRules
		ids = ids[:mdTopRules]
	}
	b.WriteString("\n### Top failed rules\n\n| Rule | Severity | Devices | Title | Remediation |\n|---|---|---:|---|---|\n")
	for _, id := range ids {
		var sev, title, fix string
		if rl := ix.rules[id]; rl != nil {
			sev, title, fix = rl.Severity, rl.Title, firstLine(rl.Remediation)
		}
		fmt.Fprintf(b, "| %s | %s | %d | %s | %s |\n", mdCell(id, maxCell), mdCell(sev, 10),
			ruleFails[id], mdCell(title, 80), mdCell(fix, 160))
	}
	if more > 0 {
		fmt.Fprintf(b, "\n…and %d more failed rule(s); see the full report.\n", more)
	}
}

func writeMarkdownExpired(b *strings.Builder, ws []policies.Waiver) {
	if len(ws) == 0 {
		return
	}
	b.WriteString("\n### Expired waivers\n\nThese waivers are past their date and were not applied.\n\n")
	b.WriteString("| Rule | Selector | Reason | Expired |\n|---|---|---|---|\n")
	for _, wv := range ws {
		sel := strings.Join(strings.Fields(strings.Join([]string{wv.Selector.Address, wv.Selector.CIDR,
			wv.Selector.Serial, wv.Selector.Model}, " ")), " ")
		exp := ""
		if !wv.Expires.IsZero() {
			exp = wv.Expires.Format("2006-01-02")
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", mdCell(wv.Rule, maxCell), mdCell(sel, 80),
			mdCell(wv.Reason, 120), mdCell(exp, 10))
	}
}

// firstLine is the first line of s, for one-line remediation hints.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	return s
}
