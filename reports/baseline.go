package reports

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/mfpscan/mfpscan/internal/inputfile"
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
	if len(log.Runs) == 0 {
		return nil, errors.New("apply baseline: current log has no run")
	}
	base, err := BaselineFromBytes(previous)
	if err != nil {
		return nil, err
	}
	base.reset()
	run := log.Runs[0]
	for _, res := range run.Results {
		base.mark(res)
	}
	ruleIndex := map[string]int{}
	for i, d := range run.Tool.Driver.Rules {
		ruleIndex[d.ID] = i
	}
	err = base.eachAbsent(ruleIndex, func(r *sarifResult) error {
		run.Results = append(run.Results, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return jsonIndent(&log)
}

// MaxBaselineFile bounds a --baseline SARIF log. The log is streamed, never
// held whole: the cap only stops a runaway file. A 100,000-device fleet's log
// is about 2 GB.
const MaxBaselineFile = 16 << 30

// maxBaselineResults bounds the findings a baseline may hold: its index
// costs about 85 bytes of heap per finding (10.5 MB for the 124,000
// findings of a 10,000-device log).
const maxBaselineResults = 20_000_000

// Baseline is a previous SARIF log, indexed for comparison with this run's
// results. It holds a digest of each finding's fingerprint and message, not
// the log: the findings that disappeared are read from the log again, one
// at a time, when the SARIF writer ends. A 10,000-device log (200 MB) held
// whole took a gigabyte of memory once parsed.
type Baseline struct {
	src  io.ReaderAt
	size int64
	file *os.File // nil for a log in memory
	seed maphash.Seed
	old  map[baselineKey]baselineEntry
}

// baselineKey is a 128-bit digest of a fingerprint: two fingerprints
// sharing one among a million findings is a one in 10^25 event.
type baselineKey [2]uint64

type baselineEntry struct {
	message uint64 // digest of the message text
	flags   uint8
}

const (
	entryHasMessage uint8 = 1 << iota
	entrySeen
)

// OpenBaseline opens and indexes the SARIF log at path. It keeps the file
// open (Close releases it) so the second read finds the same file even if
// the path is replaced meanwhile.
func OpenBaseline(path string) (*Baseline, error) {
	f, err := inputfile.Open(path)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("stat %s: %w", path, err)
	}
	if info.Size() > MaxBaselineFile {
		f.Close()
		return nil, fmt.Errorf("%s: %w (%d bytes, cap %d)", path, inputfile.ErrTooLarge, info.Size(), int64(MaxBaselineFile))
	}
	b, err := newBaseline(f, info.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	b.file = f
	return b, nil
}

// BaselineFromBytes indexes a SARIF log held in memory.
func BaselineFromBytes(previous []byte) (*Baseline, error) {
	return newBaseline(bytes.NewReader(previous), int64(len(previous)))
}

// Close releases the log's file; a nil Baseline or one in memory has none.
func (b *Baseline) Close() error {
	if b == nil || b.file == nil {
		return nil
	}
	err := b.file.Close()
	b.file = nil
	return err
}

// Fork returns a reader of the same log with its own record of which
// findings a run has seen, for a second SARIF log written alongside the
// first (merge's combined log beside a site's own): sharing one record, the
// first log to end would take the absent findings from the second. A nil
// Baseline forks to nil. Close the original only.
func (b *Baseline) Fork() *Baseline {
	if b == nil {
		return nil
	}
	f := *b
	f.old = maps.Clone(b.old)
	f.file = nil
	return &f
}

func newBaseline(src io.ReaderAt, size int64) (*Baseline, error) {
	if size == 0 {
		return nil, errors.New("empty baseline file")
	}
	b := &Baseline{src: src, size: size, seed: maphash.MakeSeed(), old: map[baselineKey]baselineEntry{}}
	err := b.scan(func(res *sarif.Result) error {
		fp := prevFingerprint(res)
		if fp == "" || stringOr(res.BaselineState) == BaselineAbsent {
			// An absent result of the previous log was already gone then.
			return nil
		}
		k := b.key(fp)
		if _, dup := b.old[k]; dup {
			return nil
		}
		if len(b.old) >= maxBaselineResults {
			return fmt.Errorf("more than %d findings", maxBaselineResults)
		}
		var e baselineEntry
		if res.Message.Text != nil {
			e.message, e.flags = maphash.String(b.seed, *res.Message.Text), entryHasMessage
		}
		b.old[k] = e
		return nil
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

func (b *Baseline) key(fp string) baselineKey {
	var h maphash.Hash
	h.SetSeed(b.seed)
	h.WriteString(fp)
	first := h.Sum64()
	h.WriteByte(0)
	return baselineKey{first, h.Sum64()}
}

// reset forgets which findings a run has seen, for a new run.
func (b *Baseline) reset() {
	for k, e := range b.old {
		e.flags &^= entrySeen
		b.old[k] = e
	}
}

// mark sets res's baselineState; a nil Baseline (none given) leaves it unset.
func (b *Baseline) mark(res *sarifResult) {
	if b == nil {
		return
	}
	k := b.key(res.PartialFingerprints[fingerprintKey])
	e, ok := b.old[k]
	switch {
	case !ok:
		res.BaselineState = BaselineNew
		return
	case e.flags&entryHasMessage != 0 && e.message == maphash.String(b.seed, res.Message.Text):
		res.BaselineState = BaselineUnchanged
	default:
		res.BaselineState = BaselineUpdated
	}
	e.flags |= entrySeen
	b.old[k] = e
}

// eachAbsent passes on, in their old order, the previous findings no
// result was marked with, reading the log again.
func (b *Baseline) eachAbsent(ruleIndex map[string]int, emit func(*sarifResult) error) error {
	if b == nil {
		return nil
	}
	return b.scan(func(res *sarif.Result) error {
		fp := prevFingerprint(res)
		if fp == "" || stringOr(res.BaselineState) == BaselineAbsent {
			return nil
		}
		k := b.key(fp)
		e, ok := b.old[k]
		if !ok || e.flags&entrySeen != 0 {
			return nil // seen by this run, or a repeat of a finding listed already
		}
		e.flags |= entrySeen
		b.old[k] = e
		return emit(absentResult(res, fp, ruleIndex))
	})
}

// scan reads the log from its start and passes each result of each run to
// each, one at a time. Everything but the version and the results is
// skipped token by token, so no part of the log is held whole.
func (b *Baseline) scan(each func(*sarif.Result) error) error {
	budget := newBudget(bufio.NewReaderSize(io.NewSectionReader(b.src, 0, b.size), 1<<16))
	dec := json.NewDecoder(budget)
	dec.UseNumber()
	version, runs := "", 0
	var once onceKeys
	err := objectFields(dec, func(key string) error {
		budget.reset()
		switch {
		case once.is(key, "version"):
			if once.dup != nil {
				return once.dup
			}
			return dec.Decode(&version)
		case once.is(key, "runs"):
			if once.dup != nil {
				return once.dup
			}
			return arrayElements(dec, func() error {
				runs++
				return b.scanRun(dec, budget, each)
			})
		}
		return skipValue(dec, budget)
	})
	if err == nil {
		if _, end := dec.Token(); end != io.EOF {
			err = fmt.Errorf("data after the log at offset %d", dec.InputOffset())
		}
	}
	switch {
	case err != nil:
		return fmt.Errorf("not a SARIF log: %w", err)
	case version != "2.1.0":
		return errors.New("not a SARIF 2.1.0 log (version must be \"2.1.0\")")
	case runs == 0:
		return errors.New("SARIF log without runs")
	}
	return nil
}

func (b *Baseline) scanRun(dec *json.Decoder, budget *budgetReader, each func(*sarif.Result) error) error {
	if null, err := openValue(dec, '{', true); null || err != nil {
		return err
	}
	var once onceKeys
	return members(dec, func(key string) error {
		budget.reset()
		if !once.is(key, "results") {
			return skipValue(dec, budget)
		}
		if once.dup != nil {
			return once.dup
		}
		return arrayElements(dec, func() error {
			budget.reset()
			var res *sarif.Result
			if err := dec.Decode(&res); err != nil {
				return fmt.Errorf("parse baseline result: %w", err)
			}
			if res == nil {
				return nil
			}
			return each(res)
		})
	})
}

// onceKeys matches object keys as encoding/json does (ignoring case, as
// go-sarif reads a log) and refuses a key met twice: which of two
// "results" would count is a guess no log should make us take.
type onceKeys struct {
	seen []string
	dup  error
}

// is reports whether key is name; meeting name a second time sets dup.
func (o *onceKeys) is(key, name string) bool {
	if !strings.EqualFold(key, name) {
		return false
	}
	if slices.Contains(o.seen, name) {
		o.dup = fmt.Errorf("key %q twice", name)
	}
	o.seen = append(o.seen, name)
	return true
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
