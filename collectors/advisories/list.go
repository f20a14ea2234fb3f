package advisories

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/mfpscan/mfpscan/internal/inputfile"
)

// maxDataFileBytes caps an operator's advisory file: the bundled one is a few
// kilobytes, so 8 MiB leaves room for every vendor's data and refuses
// /dev/zero and runaway files.
const maxDataFileBytes = 8 << 20

// ReadFile reads and checks a data file for --advisories. The bytes are
// returned for the scan's collectors; the parsed data for listing.
func ReadFile(path string) (*Data, []byte, error) {
	b, err := inputfile.Read(path, maxDataFileBytes)
	if err != nil {
		return nil, nil, fmt.Errorf("read advisories %s: %w", path, err)
	}
	d, err := Load(b)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, b, nil
}

// CoverageRow is one model-line group of one advisory.
type CoverageRow struct {
	Vendor         string   `json:"vendor"`
	Advisory       string   `json:"advisory"`
	Source         string   `json:"source,omitempty"`
	Severity       string   `json:"severity"`
	CVEs           []string `json:"cves"`
	ModelLine      string   `json:"model_line"`
	VulnerableUpTo string   `json:"vulnerable_up_to,omitempty"`
	FixedIn        string   `json:"fixed_in,omitempty"`
}

// Coverage lists what the data covers, vendor then advisory order.
func (d *Data) Coverage() []CoverageRow {
	var out []CoverageRow
	for _, a := range d.Advisories {
		for _, g := range a.Groups {
			out = append(out, CoverageRow{Vendor: a.VendorName(), Advisory: a.ID, Source: a.Source, Severity: a.Severity,
				CVEs: a.CVEs, ModelLine: g.Name, VulnerableUpTo: g.VulnerableUpTo, FixedIn: g.FixedIn})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Vendor < out[j].Vendor })
	return out
}

// WriteCoverage prints Coverage as a table or JSON.
func (d *Data) WriteCoverage(w io.Writer, format string) error {
	rows := d.Coverage()
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"version": d.Version, "model_lines": rows}); err != nil {
			return fmt.Errorf("write advisories json: %w", err)
		}
		return nil
	case "table", "":
	default:
		return fmt.Errorf("advisories list: format %q is not table or json", format)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "VENDOR\tADVISORY\tSEVERITY\tMODEL LINE\tVULNERABLE UP TO\tFIXED IN\tCVES\n")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Vendor, r.Advisory, r.Severity, r.ModelLine,
			dash(r.VulnerableUpTo), dash(r.FixedIn), strings.Join(r.CVEs, " "))
	}
	fmt.Fprintf(tw, "\ndata version %s; a model line not listed gets review from MFP-FW-001 (no advisory data for this model line)\n", d.Version)
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write advisories table: %w", err)
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
