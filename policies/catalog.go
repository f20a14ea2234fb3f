package policies

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"unicode"
)

// CatalogFormats are the formats WriteCatalog accepts.
var CatalogFormats = []string{"table", "json", "markdown"}

// Rules returns the catalogue, built-in and custom rules together, sorted by
// guide point then id. Disabled rules are included with Enabled false.
func (e *Engine) Rules() []Rule {
	out := make([]Rule, len(e.rules))
	copy(out, e.rules)
	return out
}

// Rule returns one catalogue rule by id.
func (e *Engine) Rule(id string) (Rule, bool) {
	ent, ok := e.byID[id]
	if !ok {
		return Rule{}, false
	}
	return ent.rule, true
}

func sortRules(rules []Rule) {
	sort.Slice(rules, func(i, j int) bool {
		if rules[i].GuidePoint != rules[j].GuidePoint {
			return rules[i].GuidePoint < rules[j].GuidePoint
		}
		return rules[i].ID < rules[j].ID
	})
}

// WriteCatalog writes rules as an aligned text table, JSON, or Markdown (a
// summary table and one section per rule; this is docs/RULES.md).
func WriteCatalog(w io.Writer, rules []Rule, format string) error {
	var err error
	switch format {
	case "table", "":
		err = writeCatalogTable(w, rules)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if rules == nil {
			rules = []Rule{}
		}
		err = enc.Encode(rules)
	case "markdown", "md":
		err = writeCatalogMarkdown(w, rules)
	default:
		return fmt.Errorf("write catalogue: unknown format %q (want %s)", format, strings.Join(CatalogFormats, ", "))
	}
	if err != nil {
		return fmt.Errorf("write catalogue: %w", err)
	}
	return nil
}

func writeCatalogTable(w io.Writer, rules []Rule) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tPOINT\tENABLED\tORIGIN\tTITLE")
	for _, r := range rules {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", r.ID, r.Severity, r.GuidePoint, yesNo(r.Enabled), r.Origin, oneLine(r.Title))
	}
	return tw.Flush()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// oneLine folds whitespace so a value cannot break a table row.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// mdCell escapes what would end or break a Markdown table cell.
func mdCell(s string) string {
	return strings.ReplaceAll(oneLine(s), "|", `\|`)
}

// anchor is the anchor GitHub gives a heading: lower case, spaces to
// hyphens, punctuation other than hyphens and underscores dropped.
func anchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}
