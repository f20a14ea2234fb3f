package policies

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
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

func writeCatalogMarkdown(w io.Writer, rules []Rule) error {
	var b strings.Builder
	b.WriteString("# mfpscan rule catalogue\n\n")
	fmt.Fprintf(&b, "%d rules, grouped by the key points of Canon's security guide.\n\n", len(rules))
	b.WriteString("| ID | Severity | Key point | Title | Enabled |\n|---|---|---|---|---|\n")
	for _, r := range rules {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %d | %s | %s |\n", r.ID, anchor(r.ID), r.Severity, r.GuidePoint, mdCell(r.Title), yesNo(r.Enabled))
	}
	point := -1
	for _, r := range rules {
		if r.GuidePoint != point {
			point = r.GuidePoint
			fmt.Fprintf(&b, "\n## Key point %d", point)
			if r.GuideSection != "" {
				fmt.Fprintf(&b, ": %s", oneLine(r.GuideSection))
			}
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "\n### %s\n\n", r.ID)
		fmt.Fprintf(&b, "**%s**\n\n", oneLine(r.Title))
		fmt.Fprintf(&b, "%s\n\n", strings.TrimSpace(r.Description))
		fmt.Fprintf(&b, "- Severity: %s\n", r.Severity)
		section := ""
		if r.GuideSection != "" {
			section = " (" + oneLine(r.GuideSection) + ")"
		}
		fmt.Fprintf(&b, "- Guide key point: %d%s\n", r.GuidePoint, section)
		writeList(&b, "DISA MFD STIG", r.STIG)
		writeList(&b, "NIST SP 800-53", r.NIST)
		writeList(&b, "Vendors", r.Vendors)
		if len(r.Facts) > 0 {
			quoted := make([]string, len(r.Facts))
			for i, f := range r.Facts {
				quoted[i] = "`" + f + "`"
			}
			fmt.Fprintf(&b, "- Facts: %s\n", strings.Join(quoted, ", "))
		}
		fmt.Fprintf(&b, "- Package: `%s` (%s)\n", r.Package, r.Origin)
		if !r.Enabled {
			b.WriteString("- Disabled by organisation data\n")
		}
		fmt.Fprintf(&b, "\n**Remediation.** %s\n", oneLine(r.Remediation))
		if len(r.RelatedResources) > 0 {
			b.WriteString("\n**Resources.**\n\n")
			for _, u := range r.RelatedResources {
				fmt.Fprintf(&b, "- <%s>\n", u)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeList(b *strings.Builder, label string, items []string) {
	if len(items) > 0 {
		fmt.Fprintf(b, "- %s: %s\n", label, strings.Join(items, ", "))
	}
}

// anchor is the GitHub-style heading anchor of a rule id.
func anchor(id string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		if r == ' ' {
			return '-'
		}
		return r
	}, id))
}
