package reports

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/policies"
)

// DiffSide is one run's view of a rule outcome on a device.
type DiffSide struct {
	Address  string          `json:"address"`
	Status   policies.Status `json:"status"`
	Severity string          `json:"severity"`
	Message  string          `json:"message,omitempty"`
}

// DiffEntry is a rule outcome on one device that differs between two runs.
// Old is nil for a new finding; New is nil when the device's result is gone.
type DiffEntry struct {
	RuleID   string    `json:"rule_id"`
	DeviceID string    `json:"device_id"`
	Old      *DiffSide `json:"old,omitempty"`
	New      *DiffSide `json:"new,omitempty"`
}

// DeviceMove records a device seen at another address in the new run.
type DeviceMove struct {
	DeviceID   string `json:"device_id"`
	OldAddress string `json:"old_address"`
	NewAddress string `json:"new_address"`
}

// DiffResult compares two runs, keyed on rule ID and device identity
// (device_id, not address), so a device that moved keeps its findings.
type DiffResult struct {
	// New failures: failing now, absent or passing (or not applicable) before.
	New []DiffEntry `json:"new"`
	// Fixed failures: failing before, passing, not applicable or no longer
	// produced now, on a device the new run did see.
	Fixed []DiffEntry `json:"fixed"`
	// Changed outcomes present in both runs whose status, severity or
	// message differ and that are neither new nor fixed (e.g. fail→waived).
	Changed []DiffEntry `json:"changed"`
	// Unseen failures belong to devices absent from the new run: they are
	// not fixed, the device was just not reached.
	Unseen []DiffEntry `json:"unseen"`
	// Moved devices answered on another address.
	Moved []DeviceMove `json:"moved"`
	// Unchanged counts failures present and identical in both runs.
	Unchanged int `json:"unchanged_failures"`
}

type diffKey struct{ rule, device string }

// resultDevice is the identity a result is keyed on; results of documents
// without a device_id fall back to the address, which is all there is.
func resultDevice(r policies.Result) string {
	if r.DeviceID != "" {
		return r.DeviceID
	}
	return "address:" + r.Address
}

func diffSide(r policies.Result) *DiffSide {
	msgs := make([]string, 0, len(r.Findings))
	for _, f := range r.Findings {
		msgs = append(msgs, f.Message)
	}
	return &DiffSide{Address: r.Address, Status: r.Status, Severity: r.Severity, Message: strings.Join(msgs, "; ")}
}

// failing is true for a status that needs action; review is not counted:
// it means the facts could not tell.
func failing(s policies.Status) bool { return s == policies.StatusFail }

// cleared is true for a status that says the rule no longer applies.
func cleared(s policies.Status) bool {
	return s == policies.StatusPass || s == policies.StatusNotApplicable
}

func indexResults(f *Findings) (map[diffKey]policies.Result, map[string]string) {
	res := map[diffKey]policies.Result{}
	addr := map[string]string{}
	if f == nil {
		return res, addr
	}
	for _, r := range f.Results {
		dev := resultDevice(r)
		res[diffKey{r.RuleID, dev}] = r
		if a, ok := addr[dev]; !ok || facts.CompareAddress(r.Address, a) < 0 {
			addr[dev] = r.Address
		}
	}
	return res, addr
}

// Diff compares the findings of a previous run with the current one.
func Diff(prev, cur *Findings) DiffResult {
	oldRes, oldAddr := indexResults(prev)
	newRes, newAddr := indexResults(cur)
	d := DiffResult{New: []DiffEntry{}, Fixed: []DiffEntry{}, Changed: []DiffEntry{}, Unseen: []DiffEntry{}, Moved: []DeviceMove{}}
	for k, o := range oldRes {
		n, inNew := newRes[k]
		e := DiffEntry{RuleID: k.rule, DeviceID: k.device, Old: diffSide(o)}
		if inNew {
			e.New = diffSide(n)
		}
		_, deviceSeen := newAddr[k.device]
		switch {
		case failing(o.Status) && !deviceSeen:
			d.Unseen = append(d.Unseen, e)
		case failing(o.Status) && (!inNew || cleared(n.Status)):
			d.Fixed = append(d.Fixed, e)
		case !inNew:
		case failing(n.Status) && cleared(o.Status):
			d.New = append(d.New, e)
		case e.Old.Status != e.New.Status || e.Old.Severity != e.New.Severity || e.Old.Message != e.New.Message:
			d.Changed = append(d.Changed, e)
		case failing(o.Status):
			d.Unchanged++
		}
	}
	for k, n := range newRes {
		if _, inOld := oldRes[k]; !inOld && failing(n.Status) {
			d.New = append(d.New, DiffEntry{RuleID: k.rule, DeviceID: k.device, New: diffSide(n)})
		}
	}
	for dev, na := range newAddr {
		if oa, ok := oldAddr[dev]; ok && oa != na {
			d.Moved = append(d.Moved, DeviceMove{DeviceID: dev, OldAddress: oa, NewAddress: na})
		}
	}
	for _, s := range [][]DiffEntry{d.New, d.Fixed, d.Changed, d.Unseen} {
		sort.Slice(s, func(i, j int) bool {
			if s[i].DeviceID != s[j].DeviceID {
				return s[i].DeviceID < s[j].DeviceID
			}
			return s[i].RuleID < s[j].RuleID
		})
	}
	sort.Slice(d.Moved, func(i, j int) bool { return d.Moved[i].DeviceID < d.Moved[j].DeviceID })
	return d
}

// DiffFormats returns the formats WriteDiff accepts.
func DiffFormats() []string { return []string{"text", "json", "markdown"} }

// WriteDiff renders a diff as "text" (terminal, sanitised), "json" or
// "markdown" (escaped for a CI job summary).
func WriteDiff(w io.Writer, d DiffResult, format string) error {
	var err error
	switch format {
	case "json":
		var b []byte
		if b, err = jsonIndent(d); err == nil {
			_, err = w.Write(b)
		}
	case "text", "":
		_, err = io.WriteString(w, diffText(d, func(s string) string { return Sanitize(s, 120) }, false))
	case "markdown":
		_, err = io.WriteString(w, diffText(d, func(s string) string { return mdCell(s, 120) }, true))
	default:
		return badInput("write diff: unknown format %q (valid: %s)", format, strings.Join(DiffFormats(), ", "))
	}
	if err != nil {
		return fmt.Errorf("write diff: %w", err)
	}
	return nil
}

// diffText renders the sections as plain lists; md adds headings and list
// markers that survive Markdown rendering. esc is applied to every string
// that came from a device or a run file.
func diffText(d DiffResult, esc func(string) string, md bool) string {
	var b strings.Builder
	head := func(title string, n int) {
		if md {
			fmt.Fprintf(&b, "\n### %s (%d)\n\n", title, n)
		} else {
			fmt.Fprintf(&b, "\n%s (%d):\n", title, n)
		}
	}
	bullet := "  "
	if md {
		bullet = "- "
	}
	fmt.Fprintf(&b, "%d new, %d fixed, %d changed, %d unseen, %d unchanged failure(s); %d device(s) moved.\n",
		len(d.New), len(d.Fixed), len(d.Changed), len(d.Unseen), d.Unchanged, len(d.Moved))
	side := func(s *DiffSide) string {
		if s == nil {
			return "absent"
		}
		out := esc(string(s.Status)) + "/" + esc(s.Severity) + " at " + esc(s.Address)
		if s.Message != "" {
			out += ": " + esc(s.Message)
		}
		return out
	}
	sections := []struct {
		title string
		list  []DiffEntry
	}{{"New", d.New}, {"Fixed", d.Fixed}, {"Changed", d.Changed}, {"Unseen (device not reached)", d.Unseen}}
	for _, s := range sections {
		if len(s.list) == 0 {
			continue
		}
		head(s.title, len(s.list))
		for _, e := range s.list {
			fmt.Fprintf(&b, "%s%s on %s: %s -> %s\n", bullet, esc(e.RuleID), esc(e.DeviceID), side(e.Old), side(e.New))
		}
	}
	if len(d.Moved) > 0 {
		head("Moved", len(d.Moved))
		for _, m := range d.Moved {
			fmt.Fprintf(&b, "%s%s: %s -> %s\n", bullet, esc(m.DeviceID), esc(m.OldAddress), esc(m.NewAddress))
		}
	}
	return b.String()
}
