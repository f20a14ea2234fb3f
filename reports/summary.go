package reports

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mfpscan/mfpscan/policies"
)

const (
	ansiReset = "\x1b[0m"
	ansiRed   = "\x1b[31m"
	ansiBold  = "\x1b[1m"
	ansiYel   = "\x1b[33m"
	// topRules is how many failing rules the summary lists.
	topRules = 5
	// maxCell bounds a device-supplied string in the table.
	maxCell = 40
	// summaryDevices is how many device rows the terminal table shows; a
	// larger fleet shows its worst devices and points to the reports, which
	// hold every one (a 100,000-line table helps no one and cost tens of
	// MiB at the end of a large run).
	summaryDevices = 50
)

// escapeSeq matches CSI and OSC terminal escape sequences, so their
// parameters are removed along with the ESC byte.
var escapeSeq = regexp.MustCompile(`\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)?|\x1b.?`)

// Sanitize makes a device-supplied string safe for a terminal: escape
// sequences, control characters and bidirectional overrides are removed and
// the result is cut to max runes (0 means no limit).
func Sanitize(s string, max int) string {
	s = escapeSeq.ReplaceAllString(s, "")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r), r == unicode.ReplacementChar:
			return -1
		}
		return r
	}, s)
	if max > 0 {
		s = truncate(s, max)
	}
	return s
}

// WriteSummary prints a short terminal table: failed results per device by
// severity, totals by severity and status, and the most frequent failures.
// Device strings are always sanitised; color adds ANSI highlighting only.
func WriteSummary(w io.Writer, run *Run, color bool) error {
	paint := func(code, s string) string {
		if !color || s == "0" || s == "" {
			return s
		}
		return code + s + ansiReset
	}
	ix := indexRun(&Run{Rules: run.Rules})
	t := TotalsOf(run)
	// Widths come from the visible text: ANSI colour codes take bytes but no
	// columns, which a tabwriter would count.
	table := [][]string{{"ADDRESS", "DEVICE", "CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO", "WAIVED"}}
	rows := t.sortedRows()
	shown := worstRows(rows, summaryDevices)
	for _, r := range shown {
		row := []string{Sanitize(r.addr, maxCell), nonEmpty(Sanitize(r.model, maxCell), "-")}
		for _, n := range r.fails {
			row = append(row, fmt.Sprint(n))
		}
		table = append(table, append(row, fmt.Sprint(r.waived)))
	}
	colours := map[int]string{2: ansiRed + ansiBold, 3: ansiRed, 4: ansiYel}
	if err := writeTable(w, table, func(row, col int, cell string) string {
		if row == 0 || colours[col] == "" {
			return cell
		}
		return paint(colours[col], cell)
	}); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	if len(shown) < len(rows) {
		fmt.Fprintf(w, "(the %d devices with the most severe failures, of %d; every device is in the reports)\n", len(shown), len(rows))
	}

	sum := Summarize(run)
	var sev, st []string
	for _, s := range policies.Severities {
		sev = append(sev, fmt.Sprintf("%s %d", s, sum.BySeverity[s]))
	}
	for _, s := range statusOrder {
		st = append(st, fmt.Sprintf("%s %d", s, sum.ByStatus[s]))
	}
	fmt.Fprintf(w, "\n%d devices. Failed by severity: %s\n", sum.Devices, strings.Join(sev, ", "))
	fmt.Fprintf(w, "Results by status: %s\n", strings.Join(st, ", "))
	if n := len(run.ExpiredWaivers); n > 0 {
		fmt.Fprintf(w, "%s\n", paint(ansiYel, fmt.Sprintf("%d expired waiver(s) no longer apply", n)))
	}
	if n := sum.CompiledFallbacks; n > 0 {
		fmt.Fprintf(w, "%d device(s) evaluated by OPA's topdown evaluator after the compiled evaluator failed on them (--log-level debug says why)\n", n)
	}
	writeTopRules(w, t.RuleFails, ix)
	if run.Scan.Incomplete {
		fmt.Fprintln(w, paint(ansiYel, "\nThe scan is incomplete: it was interrupted or hit its deadline."))
	}
	return nil
}

// worstRows returns rows (in address order) when there are at most n, or
// else the n with the most severe failures: most critical first, then high
// and so on, ties in address order.
func worstRows(rows []summaryRow, n int) []summaryRow {
	if len(rows) <= n {
		return rows
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		fa, fb := rows[idx[a]].fails, rows[idx[b]].fails
		for k := range fa {
			if fa[k] != fb[k] {
				return fa[k] > fb[k]
			}
		}
		return false
	})
	out := make([]summaryRow, n)
	for i, j := range idx[:n] {
		out[i] = rows[j]
	}
	return out
}

// writeTable prints rows in columns two spaces apart, padding by visible
// width; style may wrap a cell (already sanitised) in colour codes.
func writeTable(w io.Writer, rows [][]string, style func(row, col int, cell string) string) error {
	widths := map[int]int{}
	for _, r := range rows {
		for c, cell := range r {
			widths[c] = max(widths[c], utf8.RuneCountInString(cell))
		}
	}
	var b strings.Builder
	for i, r := range rows {
		for c, cell := range r {
			b.WriteString(style(i, c, cell))
			if c < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[c]-utf8.RuneCountInString(cell)+2))
			}
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// rulesByFails lists the rule IDs, most failures first, then by ID.
func rulesByFails(ruleFails map[string]int) []string {
	ids := make([]string, 0, len(ruleFails))
	for id := range ruleFails {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if ruleFails[ids[i]] != ruleFails[ids[j]] {
			return ruleFails[ids[i]] > ruleFails[ids[j]]
		}
		return ids[i] < ids[j]
	})
	return ids
}

func writeTopRules(w io.Writer, ruleFails map[string]int, ix runIndex) {
	ids := rulesByFails(ruleFails)
	if len(ids) > topRules {
		ids = ids[:topRules]
	}
	if len(ids) > 0 {
		fmt.Fprintln(w, "\nTop failed rules:")
	}
	for _, id := range ids {
		title := ""
		if rl := ix.rules[id]; rl != nil {
			title = rl.Title
		}
		fmt.Fprintf(w, "  %-14s %3d device(s)  %s\n", Sanitize(id, maxCell), ruleFails[id], Sanitize(title, 60))
	}
}
