package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/mfpscan/mfpscan/policies"
)

// JSONLWriter writes JSON Lines for SIEM pipelines, in the way nuclei's
// -jsonl is consumed: one object per device as it completes, followed by
// one per finding of that device (every result that failed, was waived or
// needs review; passes and not-applicable ones are counted in the device
// object), and a closing summary object. Every object has a "type".
type JSONLWriter struct{}

// Name implements Writer.
func (JSONLWriter) Name() string { return "jsonl" }

// Filename implements Writer.
func (JSONLWriter) Filename() string { return "findings.jsonl" }

// StreamsToStdout reports whether format name can be written to standard
// output (--out -): only formats that need no file around them.
func StreamsToStdout(name string) bool { return name == JSONLWriter{}.Name() }

// JSONLDevice is the "device" object of the jsonl format.
type JSONLDevice struct {
	Type     string                  `json:"type"`
	Address  string                  `json:"address"`
	DeviceID string                  `json:"device_id"`
	Vendor   string                  `json:"vendor,omitempty"`
	Model    string                  `json:"model,omitempty"`
	Serial   string                  `json:"serial,omitempty"`
	Firmware string                  `json:"firmware,omitempty"`
	Printer  *bool                   `json:"is_printer,omitempty"`
	MFP      *bool                   `json:"is_mfp,omitempty"`
	Ports    []int                   `json:"open_tcp_ports"`
	Partial  bool                    `json:"incomplete,omitempty"`
	ByStatus map[policies.Status]int `json:"by_status"`
}

// JSONLFinding is the "finding" object of the jsonl format: one rule
// outcome that failed, was waived or needs review.
type JSONLFinding struct {
	Type       string `json:"type"`
	Site       string `json:"site"`
	GuidePoint int    `json:"guide_point,omitempty"`
	Title      string `json:"title,omitempty"`
	policies.Result
}

// JSONLSummary closes the stream.
type JSONLSummary struct {
	Type       string     `json:"type"`
	Site       string     `json:"site"`
	Tool       ToolInfo   `json:"tool"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	Incomplete bool       `json:"incomplete"`
	ExitCode   int        `json:"exit_code"`
	Summary    Summary    `json:"summary"`
}

// Write implements Writer.
func (j JSONLWriter) Write(w io.Writer, r *Run) error { return writeWhole(j, w, r) }

// Begin implements StreamWriter: every object goes straight to out.
func (JSONLWriter) Begin(out io.Writer, _ SpoolFunc, head *Run) (DeviceWriter, error) {
	enc := json.NewEncoder(out)
	// A SIEM reads these lines, not a browser.
	enc.SetEscapeHTML(false)
	return &jsonlStream{enc: enc, site: siteName(head.Site), rules: indexRun(&Run{Rules: head.Rules}).rules}, nil
}

type jsonlStream struct {
	enc   *json.Encoder
	site  string
	rules map[string]*policies.Rule
}

func (s *jsonlStream) Device(dr *DeviceResult) error {
	dev := JSONLDevice{Type: "device", Address: dr.Address, ByStatus: map[policies.Status]int{}, Ports: []int{}}
	for _, st := range statusOrder {
		dev.ByStatus[st] = 0
	}
	if d := dr.Device; d != nil {
		id := d.Identity
		dev.DeviceID, dev.Vendor, dev.Model, dev.Serial, dev.Firmware = id.DeviceID, attr(id.Vendor), attr(id.Model), attr(id.Serial), attr(id.Firmware)
		dev.Printer, dev.MFP, dev.Partial = id.IsPrinter, id.IsMFP, d.Incomplete
		for _, p := range d.Ports {
			if p.State == "open" && p.Protocol == "tcp" {
				dev.Ports = append(dev.Ports, p.Port)
			}
		}
	}
	for _, res := range dr.Results {
		dev.ByStatus[res.Status]++
		if dev.DeviceID == "" {
			dev.DeviceID = res.DeviceID
		}
	}
	if err := s.enc.Encode(&dev); err != nil {
		return fmt.Errorf("write jsonl: %w", err)
	}
	for _, res := range dr.Results {
		switch res.Status {
		case policies.StatusFail, policies.StatusWaived, policies.StatusReview:
		default:
			continue
		}
		f := JSONLFinding{Type: "finding", Site: s.site, Result: res}
		if rl := s.rules[res.RuleID]; rl != nil {
			f.GuidePoint, f.Title = rl.GuidePoint, rl.Title
		}
		if err := s.enc.Encode(&f); err != nil {
			return fmt.Errorf("write jsonl: %w", err)
		}
	}
	return nil
}

func (*jsonlStream) Close() {}

func (s *jsonlStream) End(r *Run) error {
	sum := JSONLSummary{Type: "summary", Site: s.site, Incomplete: r.Scan.Incomplete, ExitCode: r.ExitCode,
		Tool:    ToolInfo{Name: nonEmpty(r.Scan.Tool, "mfpscan"), Version: nonEmpty(r.Scan.Version, "dev")},
		Summary: Summarize(r)}
	sum.StartedAt, sum.FinishedAt = utcOrNil(r.Scan.StartedAt), utcOrNil(r.Scan.FinishedAt)
	if err := s.enc.Encode(&sum); err != nil {
		return fmt.Errorf("write jsonl: %w", err)
	}
	return nil
}
