package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/history"
	"github.com/mfpscan/mfpscan/reports"
)

// batchCounter is a store that counts how devices reach it.
type batchCounter struct {
	history.Store // methods the tests do not reach
	batches       []int
	singles       int
	finished      bool
}

func (b *batchCounter) BeginRun(context.Context, history.Run) (int64, error) { return 1, nil }
func (b *batchCounter) RecordDevice(context.Context, int64, history.Device, []history.Result) error {
	b.singles++
	return nil
}

func (b *batchCounter) RecordDevices(_ context.Context, _ int64, ds []history.DeviceRecord) error {
	if b.finished {
		return fmt.Errorf("devices recorded after FinishRun")
	}
	b.batches = append(b.batches, len(ds))
	return nil
}

func (b *batchCounter) FinishRun(context.Context, int64, history.RunEnd) error {
	b.finished = true
	return nil
}

func (b *batchCounter) ReportTrends(context.Context, string, int) (*history.ReportTrends, error) {
	return &history.ReportTrends{}, nil
}
func (b *batchCounter) Close() error { return nil }

// TestReporterWritesWholeBatches: however the reporter is handed devices
// (eval's batches, single devices or a whole sweep from scan), the store
// gets them in transactions of historyBatch devices, the rest before
// FinishRun, and never one by one.
func TestReporterWritesWholeBatches(t *testing.T) {
	ctx := context.Background()
	n := 2*historyBatch + 3
	want := fmt.Sprint([]int{historyBatch, historyBatch, 3})
	for _, handed := range []int{1, historyBatch, n} {
		t.Run(fmt.Sprintf("handed %d at a time", handed), func(t *testing.T) {
			cfg := evalConfig(t, t.TempDir())
			prep, err := prepare(ctx, cfg, "eval")
			if err != nil {
				t.Fatal(err)
			}
			defer prep.release()
			store := &batchCounter{}
			prep.history = &historyRun{store: store}
			rep, err := newReporter(cfg, prep)
			if err != nil {
				t.Fatal(err)
			}
			docs := make([]*facts.Device, n)
			for i := range docs {
				docs[i] = bannerDoc("220 ready")
				docs[i].Address = deviceAddress(i)
				docs[i].Identity.DeviceID = "address:" + docs[i].Address
			}
			for i := 0; i < n; i += handed {
				if err := rep.add(ctx, facts.Scan{}, docs[i:min(i+handed, n)], nil); err != nil {
					t.Fatal(err)
				}
				// The batch is written in the background: wait for it.
				if err := rep.drain(); err != nil {
					t.Fatal(err)
				}
				if done := min(i+handed, n); len(store.batches) != done/historyBatch {
					t.Fatalf("after %d devices: batches %v", done, store.batches)
				}
			}
			if _, err := rep.finish(ctx, facts.Scan{}); err != nil {
				t.Fatal(err)
			}
			if prep.history.err != errStoreClosed || !store.finished || store.singles != 0 || fmt.Sprint(store.batches) != want {
				t.Errorf("err %v, finished %t, %d single devices, batches %v; want batches %s", prep.history.err, store.finished, store.singles, store.batches, want)
			}
		})
	}
}

func deviceAddress(i int) string { return fmt.Sprintf("127.0.%d.%d", i/250, i%250+1) }

// writeFacts writes n facts files of distinct devices into dir; the
// device at index dup, if any, repeats the address of the first.
func writeFacts(t *testing.T, dir string, n, dup int) {
	t.Helper()
	for i := range n {
		addr := deviceAddress(i)
		d := bannerDoc("220 ready")
		d.Address = addr
		d.Identity.DeviceID = "address:" + addr
		if i == dup {
			d.Address = "127.0.0.1"
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(reports.FactsFileName(addr))), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func historyRuns(t *testing.T, path string) []history.RunSummary {
	t.Helper()
	s, err := history.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	runs, err := s.Runs(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return runs
}

// TestEvalHistoryBatches: an eval of more devices than a batch records
// every one; one stopped by an error after its first batch keeps that
// batch, committed, and its run stays unfinished.
func TestEvalHistoryBatches(t *testing.T) {
	ctx := context.Background()
	n := historyBatch + 7
	in := t.TempDir()
	writeFacts(t, in, n, -1)
	cfg := evalConfig(t, t.TempDir())
	cfg.History = filepath.Join(t.TempDir(), "history.db")
	if err := Eval(ctx, cfg, []string{in}); err != nil {
		t.Fatal(err)
	}
	if runs := historyRuns(t, cfg.History); len(runs) != 1 || runs[0].State != "complete" || runs[0].Devices != n {
		t.Errorf("runs = %+v, want one complete run of %d devices", runs, n)
	}

	in = t.TempDir()
	writeFacts(t, in, n, n-1) // the last file, in the second batch, is a duplicate
	cfg = evalConfig(t, t.TempDir())
	cfg.History = filepath.Join(t.TempDir(), "history.db")
	if err := Eval(ctx, cfg, []string{in}); err == nil {
		t.Fatal("eval with a duplicate device succeeded")
	}
	if runs := historyRuns(t, cfg.History); len(runs) != 1 || runs[0].State != "unfinished" || runs[0].Devices != historyBatch {
		t.Errorf("runs = %+v, want one unfinished run holding the first batch (%d devices)", runs, historyBatch)
	}
}

// TestHistoryKeepsADeviceOncePerRun: one device seen at two addresses (the
// same device_id) is reported twice but recorded once; before, the repeat
// failed its whole batch and left the run unfinished.
func TestHistoryKeepsADeviceOncePerRun(t *testing.T) {
	in := t.TempDir()
	const n = 5
	for i := range n {
		d := bannerDoc("220 ready")
		d.Address = deviceAddress(i)
		d.Identity.DeviceID = "serial:canon:XYZ0" + fmt.Sprint(i)
		if i == 3 {
			d.Identity.DeviceID = "serial:canon:XYZ01"
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(in, filepath.Base(reports.FactsFileName(d.Address))), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg := evalConfig(t, t.TempDir())
	cfg.History = filepath.Join(t.TempDir(), "history.db")
	if err := Eval(context.Background(), cfg, []string{in}); err != nil {
		t.Fatal(err)
	}
	if runs := historyRuns(t, cfg.History); len(runs) != 1 || runs[0].State != "complete" || runs[0].Devices != n-1 {
		t.Errorf("runs = %+v, want one complete run of %d devices", runs, n-1)
	}
}

// TestImportHistoryRecordsWhatEvalRecorded: importing an eval's report
// directory, read back device by device, records the run eval recorded
// itself: the same devices and the same failures. A facts file left by an
// earlier run in that directory is not imported as one of its devices.
func TestImportHistoryRecordsWhatEvalRecorded(t *testing.T) {
	ctx := context.Background()
	in := t.TempDir()
	const n = 12
	writeFacts(t, in, n, -1)
	out := t.TempDir()
	cfg := evalConfig(t, out)
	cfg.History = filepath.Join(t.TempDir(), "direct.db")
	if err := Eval(ctx, cfg, []string{in}); err != nil {
		t.Fatal(err)
	}
	direct := historyRuns(t, cfg.History)
	if len(direct) != 1 || direct[0].Devices != n {
		t.Fatalf("eval recorded %+v, want one run of %d devices", direct, n)
	}
	stale := bannerDoc("220 ready")
	stale.Address = "127.0.9.9"
	stale.Identity.DeviceID = "address:" + stale.Address
	b, err := json.Marshal(stale)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, reports.FactsFileName(stale.Address)), b, 0o600); err != nil {
		t.Fatal(err)
	}

	icfg := Config{History: filepath.Join(t.TempDir(), "imported.db"), Site: cfg.Site}
	if got, err := ImportHistory(ctx, icfg, []string{out}); err != nil || got != 1 {
		t.Fatalf("import: %d run(s), %v", got, err)
	}
	imported := historyRuns(t, icfg.History)
	if len(imported) != 1 || imported[0].Devices != direct[0].Devices || imported[0].Failed != direct[0].Failed ||
		imported[0].State != "complete" || !imported[0].StartedAt.Equal(direct[0].StartedAt) {
		t.Errorf("imported %+v, eval recorded %+v", imported, direct)
	}
}
