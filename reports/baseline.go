package reports

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/owenrumney/go-sarif/v2/sarif"
)

// Baseline states (SARIF 2.1.0 §3.27.24).
const (
	BaselineNew       = "new"
	BaselineUnchanged = "unchanged"
	BaselineUpdated   = "updated"
	BaselineAbsent    = "absent"
)

// ApplyBaseline compares a SARIF log written by SARIFWriter (current) with a
// previous SARIF log and returns current with baselineState set on every
// result: new, unchanged, updated (same fingerprint, different message), and
// previous findings no longer seen appended as absent. Results are matched
// on partialFingerprints.primaryLocationLineHash, which is built from rule ID
// and device identity, so a device that changed address is still matched.
func ApplyBaseline(current, previous []byte) ([]byte, error) {
	var log sarifLog
	if err := json.Unmarshal(current, &log); err != nil {
		return nil, fmt.Errorf("parse current sarif: %w", err)
	}
	if err := applyBaseline(&log, previous); err != nil {
		return nil, err
	}
	return jsonIndent(&log)
}

// MaxBaselineFile bounds a --baseline SARIF log read from disk.
const MaxBaselineFile = 256 << 20

// CheckBaseline reports whether previous can serve as a baseline: a SARIF
// 2.1.0 log with at least one run. It is what applyBaseline needs, checked
// before a scan sends anything.
func CheckBaseline(previous []byte) error {
	if len(previous) == 0 {
		return errors.New("empty baseline file")
	}
	var head struct {
		Version *string           `json:"version"`
		Runs    []json.RawMessage `json:"runs"`
	}
	if err := json.Unmarshal(previous, &head); err != nil {
		return fmt.Errorf("not a SARIF log: %w", err)
	}
	if head.Version == nil || *head.Version != "2.1.0" {
		return errors.New("not a SARIF 2.1.0 log (version must be \"2.1.0\")")
	}
	if len(head.Runs) == 0 {
		return errors.New("SARIF log without runs")
	}
	if _, err := sarif.FromBytes(previous); err != nil {
		return fmt.Errorf("parse baseline sarif: %w", err)
	}
	return nil
}

func applyBaseline(cur *sarifLog, previous []byte) error {
	if len(cur.Runs) == 0 {
		return errors.New("apply baseline: current log has no run")
	}
	base, err := newBaselineIndex(previous)
	if err != nil {
		return err
	}
	run := cur.Runs[0]
	for _, res := range run.Results {
		base.mark(res)
	}
	ruleIndex := map[string]int{}
	for i, d := range run.Tool.Driver.Rules {
		ruleIndex[d.ID] = i
	}
	run.Results = append(run.Results, base.absent(ruleIndex)...)
	return nil
}

// baselineIndex holds a previous log's findings by fingerprint, and which
// of them the current run has seen, so results are marked as they stream.
type baselineIndex struct {
	old   map[string]*sarif.Result
	order []string
	seen  map[string]bool
}

func newBaselineIndex(previous []byte) (*baselineIndex, error) {
	if len(previous) == 0 {
		return nil, errors.New("apply baseline: empty baseline file")
	}
	prev, err := sarif.FromBytes(previous)
	if err != nil {
		return nil, fmt.Errorf("parse baseline sarif: %w", err)
	}
	b := &baselineIndex{old: map[string]*sarif.Result{}, seen: map[string]bool{}}
	for _, pr := range prev.Runs {
		if pr == nil {
			continue
		}
		for _, res := range pr.Results {
			fp := prevFingerprint(res)
			if fp == "" || b.old[fp] != nil || stringOr(res.BaselineState) == BaselineAbsent {
				// An absent result of the previous log was already gone then.
				continue
			}
			b.old[fp] = res
			b.order = append(b.order, fp)
		}
	}
	return b, nil
}

// mark sets res's baselineState; a nil index (no baseline) leaves it unset.
func (b *baselineIndex) mark(res *sarifResult) {
	if b == nil {
		return
	}
	fp := res.PartialFingerprints[fingerprintKey]
	b.seen[fp] = true
	switch p := b.old[fp]; {
	case p == nil:
		res.BaselineState = BaselineNew
	case p.Message.Text != nil && *p.Message.Text == res.Message.Text:
		res.BaselineState = BaselineUnchanged
	default:
		res.BaselineState = BaselineUpdated
	}
}

// absent returns the previous findings not marked, in their old order.
func (b *baselineIndex) absent(ruleIndex map[string]int) []*sarifResult {
	if b == nil {
		return nil
	}
	var out []*sarifResult
	for _, fp := range b.order {
		if !b.seen[fp] {
			out = append(out, absentResult(b.old[fp], fp, ruleIndex))
		}
	}
	return out
}

func stringOr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func prevFingerprint(r *sarif.Result) string {
	if r == nil {
		return ""
	}
	if v, ok := r.PartialFingerprints[fingerprintKey].(string); ok {
		return v
	}
	return ""
}

// absentResult re-emits a previous finding that is gone. Indexes into the
// previous log's arrays are dropped: they do not hold in this one.
func absentResult(p *sarif.Result, fp string, ruleIndex map[string]int) *sarifResult {
	r := &sarifResult{
		RuleID:              stringOr(p.RuleID),
		Kind:                nonEmpty(stringOr(p.Kind), "fail"),
		Level:               stringOr(p.Level),
		Message:             sarifMessage{Text: nonEmpty(stringOr(p.Message.Text), "Finding no longer present.")},
		PartialFingerprints: map[string]string{fingerprintKey: fp},
		Fingerprints:        map[string]string{"mfpscan/v1": fp},
		BaselineState:       BaselineAbsent,
		Properties:          map[string]any(p.Properties),
	}
	if i, ok := ruleIndex[r.RuleID]; ok {
		r.RuleIndex = intp(i)
	}
	for _, l := range p.Locations {
		if l == nil || l.PhysicalLocation == nil || l.PhysicalLocation.ArtifactLocation == nil {
			continue
		}
		loc := &sarifPhysicalLocation{ArtifactLocation: &sarifArtifactLocation{
			URI: stringOr(l.PhysicalLocation.ArtifactLocation.URI),
		}}
		if rg := l.PhysicalLocation.Region; rg != nil && rg.StartLine != nil && *rg.StartLine > 0 {
			loc.Region = &sarifRegion{StartLine: *rg.StartLine}
		}
		r.Locations = append(r.Locations, &sarifLocation{PhysicalLocation: loc})
		break
	}
	return r
}
