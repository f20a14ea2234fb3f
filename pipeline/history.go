package pipeline

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/history"
	"github.com/mfpscan/mfpscan/policies"
	"github.com/mfpscan/mfpscan/reports"
)

// BaselineFromHistory as --baseline takes the SARIF log of the site's last
// complete run from the history store instead of a file.
const BaselineFromHistory = "history"

// errStoreClosed stops a closed store from being used again.
var errStoreClosed = errors.New("history store closed")

// historyRun records one run in the store. A store that cannot be opened or
// written never stops the scan: the reports are the product, the history a
// by-product, so failures are reported on stderr and the run goes on.
type historyRun struct {
	store     history.Store
	catalogue string
	id        int64
	err       error
	// pending holds the devices reported since the last write.
	pending []history.DeviceRecord
	// recorded holds the device IDs of this run: the store keeps one row
	// per device and run, and one repeat would fail its whole batch.
	recorded map[string]string
}

// openHistory opens cfg.History ("" = disabled) before the first probe, so
// a broken store is reported up front.
func openHistory(ctx context.Context, cfg Config, rules []policies.Rule) *historyRun {
	if cfg.History == "" {
		return nil
	}
	s, err := history.Open(ctx, cfg.History)
	h := &historyRun{store: s, catalogue: catalogueVersion(rules)}
	if err != nil {
		h.fail(cfg, err)
	}
	return h
}

func (h *historyRun) fail(cfg Config, err error) {
	if h.err != nil {
		return
	}
	h.err = err
	if cfg.Progress != nil {
		fmt.Fprintf(cfg.Progress, "mfpscan: history not recorded (the reports are still written): %v\n", err)
	}
	if cfg.Log != nil {
		cfg.Log.Error("history not recorded", "error", err)
	}
}

// begin marks the run started; a crash after this leaves it "unfinished".
func (h *historyRun) begin(ctx context.Context, cfg Config, scan facts.Scan) {
	if h == nil || h.err != nil || h.id != 0 {
		return
	}
	id, err := h.store.BeginRun(ctx, history.Run{
		Site: cfg.Site, StartedAt: scan.StartedAt, Targets: scan.Targets,
		Tool: scan.Tool, ToolVersion: scan.Version, CatalogueVersion: h.catalogue,
	})
	if err != nil {
		h.fail(cfg, err)
		return
	}
	h.id = id
}

// trendRuns is how many runs the report's trend charts show.
const trendRuns = 12

// record stores a run read back device by device (history import): every
// device and its results, then the run's end. An error reading the run
// stops the recording and is returned; the store's own errors are in h.err.
func (h *historyRun) record(ctx context.Context, cfg Config, head *reports.Run, devices iter.Seq2[*reports.DeviceResult, error]) error {
	h.begin(ctx, cfg, head.Scan)
	keyPoint := make(map[string]int, len(head.Rules))
	for _, r := range head.Rules {
		keyPoint[r.ID] = r.GuidePoint
	}
	for dr, err := range devices {
		if err != nil {
			return err
		}
		if dr.Device != nil {
			h.recordDevice(ctx, cfg, dr.Device, dr.Results, keyPoint)
		}
	}
	h.finish(ctx, cfg, head)
	return nil
}

// historyBatch is how many devices go to the store in one transaction: a
// commit per device cost more wall clock than evaluating it, and a batch
// is what a crash can lose of an unfinished run. Eval hands the reporter
// smaller batches (evalBatch); scan may hand it single devices or a whole
// sweep: the queue decides the transactions, not the caller.
const historyBatch = 256

// recordDevice queues one device and its results as it is reported, and
// writes the queue once it holds a batch.
func (h *historyRun) recordDevice(ctx context.Context, cfg Config, d *facts.Device, results []policies.Result, keyPoint map[string]int) {
	if h == nil || h.err != nil || h.id == 0 {
		return
	}
	rs := make([]history.Result, 0, len(results))
	for _, r := range results {
		rs = append(rs, history.Result{
			RuleID: r.RuleID, Status: string(r.Status), Severity: r.Severity,
			KeyPoint: keyPoint[r.RuleID], Waived: r.Waiver != nil,
		})
	}
	rec := deviceRecord(d)
	id := rec.ID
	if id == "" {
		id = "address:" + rec.Address
	}
	if h.recorded == nil {
		h.recorded = map[string]string{}
	}
	// One device answering at two addresses (a second interface, a
	// cloned serial) is in the reports twice; the run's history keeps the
	// first and says so.
	if first, dup := h.recorded[id]; dup {
		if cfg.Log != nil {
			cfg.Log.Warn("history: device already recorded in this run at another address; only the first is kept", "device_id", id, "first", first, "address", rec.Address)
		}
		return
	}
	h.recorded[id] = rec.Address
	h.pending = append(h.pending, history.DeviceRecord{Device: rec, Results: rs})
	if len(h.pending) >= historyBatch {
		h.flush(ctx, cfg)
	}
}

// flush writes the queued devices in one transaction.
func (h *historyRun) flush(ctx context.Context, cfg Config) {
	if h == nil || h.err != nil || h.id == 0 || len(h.pending) == 0 {
		return
	}
	err := h.store.RecordDevices(ctx, h.id, h.pending)
	clear(h.pending) // drop the records' results before the next batch
	h.pending = h.pending[:0]
	if err != nil {
		h.fail(cfg, err)
	}
}

// finish marks the run recorded, once every device is, and hands the
// site's trends (this run included) to the report.
func (h *historyRun) finish(ctx context.Context, cfg Config, run *reports.Run) {
	h.flush(ctx, cfg)
	if h == nil || h.err != nil || h.id == 0 {
		return
	}
	end := history.RunEnd{FinishedAt: run.Scan.FinishedAt, ExitStatus: run.ExitCode, Incomplete: run.Scan.Incomplete}
	if end.FinishedAt.IsZero() {
		end.FinishedAt = cfg.now()().UTC()
	}
	if err := h.store.FinishRun(ctx, h.id, end); err != nil {
		h.fail(cfg, err)
		return
	}
	tr, err := h.store.ReportTrends(ctx, cfg.Site, trendRuns)
	if err != nil {
		h.fail(cfg, err)
		return
	}
	if len(tr.Runs) > 0 {
		run.Trends = tr
	}
}

// maxStoredBaseline bounds the SARIF log the history store keeps for
// --baseline history: about 12,000 devices of demo copies. A larger fleet's
// log (about 2 GB at 100,000 devices, from 211 MB at 10,000) would be
// copied into the store on every run; --baseline FILE reads any size up
// to reports.MaxBaselineFile, streamed.
const maxStoredBaseline = 256 << 20

// saveBaseline keeps the results.sarif just written as the site's next
// --baseline history, then closes the store.
func (h *historyRun) saveBaseline(ctx context.Context, cfg Config) {
	if h == nil {
		return
	}
	defer h.close()
	if h.err != nil || h.id == 0 {
		return
	}
	f, err := os.Open(filepath.Join(cfg.OutDir, (&reports.SARIFWriter{}).Filename()))
	if err != nil {
		return // no SARIF format this run (or --out -): nothing to keep
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return
	}
	if info.Size() > maxStoredBaseline {
		if cfg.Log != nil {
			cfg.Log.Warn("results.sarif not kept in the history store as the next baseline: too large to copy into the store on every run; keep the file and pass it to --baseline instead", "bytes", info.Size(), "cap", maxStoredBaseline)
		}
		return
	}
	// The store reads the log part by part: the 200 MB of a 10,000-device
	// fleet's log are never in memory here.
	if err := h.store.SetBaseline(ctx, h.id, f); err != nil {
		h.fail(cfg, err)
	}
}

func (h *historyRun) close() {
	if h != nil && h.store != nil {
		h.store.Close()
		h.store = nil
		h.err = errStoreClosed
	}
}

func deviceRecord(d *facts.Device) history.Device {
	val := func(a *facts.Attribute) string {
		if a == nil {
			return ""
		}
		return a.Value
	}
	rec := history.Device{
		ID: d.Identity.DeviceID, Address: d.Address,
		Vendor: val(d.Identity.Vendor), Model: val(d.Identity.Model),
		Serial: val(d.Identity.Serial), Firmware: val(d.Identity.Firmware),
	}
	if rec.Firmware == "" && d.Firmware != nil {
		rec.Firmware = d.Firmware.Version
	}
	return rec
}

// historyBaseline reads the site's last complete run from the store for
// --baseline history. The log is copied to an unlinked temporary file and
// indexed from there, so a fleet's log is never held in memory whole.
func historyBaseline(ctx context.Context, cfg Config) (*reports.Baseline, error) {
	if cfg.History == "" {
		return nil, Usagef("--baseline %s needs the history store (drop --no-history)", BaselineFromHistory)
	}
	s, err := history.Open(ctx, cfg.History)
	if err != nil {
		return nil, Usagef("--baseline %s: %v", BaselineFromHistory, err)
	}
	defer s.Close()
	spool, err := os.CreateTemp("", "mfpscan-baseline-*.sarif")
	if err != nil {
		return nil, fmt.Errorf("spool --baseline %s: %w", BaselineFromHistory, err)
	}
	defer spool.Close()
	// The open Baseline keeps the file; no name is left behind, even if
	// the run is killed.
	defer os.Remove(spool.Name())
	w := bufio.NewWriterSize(spool, 1<<20)
	_, found, err := s.WriteBaseline(ctx, cfg.Site, w)
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		return nil, Usagef("--baseline %s: %v", BaselineFromHistory, err)
	}
	if !found {
		// The first run of a site has nothing to compare with: every
		// result is new, as without a baseline.
		if cfg.Log != nil {
			cfg.Log.Info("no complete run of this site in the history store yet; no baseline", "site", cfg.Site)
		}
		return nil, nil
	}
	b, err := reports.OpenBaseline(spool.Name())
	if err != nil {
		return nil, Usagef("--baseline %s: the stored log of site %q: %v", BaselineFromHistory, cfg.Site, err)
	}
	return b, nil
}

// catalogueVersion names the rule set a run was judged by: the catalogue has
// no version number of its own, so a digest of rule ids, severities and
// origins tells runs judged by different rules apart.
func catalogueVersion(rules []policies.Rule) string {
	h := sha256.New()
	for _, r := range rules {
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%t\n", r.ID, r.Severity, r.Origin, r.Enabled)
	}
	return fmt.Sprintf("%d rules/%s", len(rules), hex.EncodeToString(h.Sum(nil))[:12])
}
