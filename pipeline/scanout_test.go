package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfile"
	"github.com/mfpscan/mfpscan/reports"
)

// TestJournalFeedMatchesInMemory: a directory's reports fed from the scan
// journal, a few devices at a time, with devices the journal does not hold
// (cut short) merged in, are byte for byte the reports of the same devices
// evaluated all at once from memory, as scan wrote them before.
func TestJournalFeedMatchesInMemory(t *testing.T) {
	raw := testfile.Testdata(t, "reports", "facts-127.77.0.10.json")
	// Completion order, not address order; every fourth one cut short.
	var docs []*facts.Device
	for _, n := range []int{9, 2, 11, 1, 7, 3, 10, 5, 4, 8, 6} {
		var d facts.Device
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatal(err)
		}
		d.Address = fmt.Sprintf("127.77.0.%d", n)
		d.Identity.DeviceID = "address:" + d.Address
		d.Incomplete = n%4 == 0
		docs = append(docs, &d)
	}
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	config := func(out string) Config {
		return Config{
			Targets: []string{"127.77.0.0/28"}, Engine: "native", Ports: []int{80}, OutDir: out,
			Formats: []string{"sarif", "html", "json", "csv", "jsonl"}, Site: "feed",
			Now: func() time.Time { return clock }, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		}
	}
	ctx := context.Background()
	scan := newScanMeta(config(""))
	scan.Vantage = nil
	end := scan
	end.FinishedAt, end.Incomplete = clock.Add(time.Minute), true

	fed := t.TempDir()
	cfg := config(fed)
	prep, err := prepare(ctx, cfg, "scan")
	if err != nil {
		t.Fatal(err)
	}
	defer prep.release()
	cp, err := startCheckpoint(cfg, clock)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.j.close()
	out := newJournalOutput(cfg, prep, cp.j, scan)
	out.batch = 3
	for _, d := range docs {
		c := *d
		out.collected(&c)
	}
	if len(out.held) != 2 || len(cp.j.finished) != len(docs)-2 {
		t.Fatalf("%d held in memory, %d journalled; want the 2 cut short in memory", len(out.held), len(cp.j.finished))
	}
	if _, err := out.finish(ctx, end); err != nil {
		t.Fatalf("reports fed from the journal: %v", err)
	}

	whole := t.TempDir()
	cfg = config(whole)
	if prep, err = prepare(ctx, cfg, "eval"); err != nil {
		t.Fatal(err)
	}
	defer prep.release()
	rep, err := newReporter(cfg, prep)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		d.Scan = &end
	}
	if err := rep.add(ctx, end, docs, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := rep.finish(ctx, end); err != nil {
		t.Fatal(err)
	}

	for _, name := range []string{"results.sarif", "report.html", "findings.json", "findings.csv", "findings.jsonl"} {
		sameFile(t, filepath.Join(fed, name), filepath.Join(whole, name))
	}
	for _, d := range docs {
		name := filepath.FromSlash(reports.FactsFileName(d.Address))
		sameFile(t, filepath.Join(fed, name), filepath.Join(whole, name))
	}
}

func sameFile(t *testing.T, a, b string) {
	t.Helper()
	x, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(x, y) {
		t.Errorf("%s differs from the in-memory run's (%d bytes against %d)", filepath.Base(a), len(x), len(y))
	}
}
