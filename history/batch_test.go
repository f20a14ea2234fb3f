package history

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// dumpTables lists every row of the tables a run writes, sorted, so two
// stores can be compared row for row.
func dumpTables(t *testing.T, s Store) string {
	t.Helper()
	db := s.(*sqlStore).db
	var b strings.Builder
	for _, table := range []string{"runs", "run_devices", "results", "run_rule_counts", "devices", "device_events", "findings", "baselines"} {
		rows, err := db.Query(`SELECT * FROM ` + table)
		if err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%s %v", table, vals))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if len(lines) == 0 && table != "device_events" {
			t.Fatalf("table %s is empty: the comparison would prove nothing", table)
		}
		slices.Sort(lines)
		b.WriteString(strings.Join(lines, "\n") + "\n")
	}
	return b.String()
}

func beginTestRun(t *testing.T, s Store, run int) int64 {
	t.Helper()
	id, err := s.BeginRun(context.Background(), Run{Site: "hq", StartedAt: t0.Add(time.Duration(run) * time.Hour), Tool: "mfpscan"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestRecordDevicesSameRowsAsRecordDevice: batches of any size, mixed with
// devices queued by RecordDevice, leave the same rows as one RecordDevice
// per device, and FinishRun builds the same histories and findings on them.
func TestRecordDevicesSameRowsAsRecordDevice(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) { recordBothWays(t, mustOpen(t, be.new(t)), mustOpen(t, be.new(t))) })
	}
}

func recordBothWays(t *testing.T, one, batched Store) {
	ctx := context.Background()
	n := batchDevices + 40 // RecordDevice writes one batch on its own
	// Batch sizes, in turn: a single device, a RecordDevice, a batch
	// larger than RecordDevice's, the rest.
	sizes := []int{1, 0, 3, batchDevices + 5}
	for run := range 3 {
		finish := RunEnd{FinishedAt: t0.Add(time.Duration(run)*time.Hour + time.Minute), ExitStatus: 1, SARIF: []byte(`{}`)}
		id := beginTestRun(t, one, run)
		for i := range n {
			d := device(i)
			if run == 2 && i%5 == 0 {
				d.Firmware = "2.0" // an event in the histories
			}
			if err := one.RecordDevice(ctx, id, d, results(i, run)); err != nil {
				t.Fatal(err)
			}
		}
		if err := one.FinishRun(ctx, id, finish); err != nil {
			t.Fatal(err)
		}

		id = beginTestRun(t, batched, run)
		i := 0
		for k := 0; i < n; k++ {
			size := sizes[k%len(sizes)]
			if size == 0 {
				if err := batched.RecordDevice(ctx, id, device(i), results(i, run)); err != nil {
					t.Fatal(err)
				}
				i++
				continue
			}
			var recs []DeviceRecord
			for ; i < n && len(recs) < size; i++ {
				d := device(i)
				if run == 2 && i%5 == 0 {
					d.Firmware = "2.0"
				}
				recs = append(recs, DeviceRecord{Device: d, Results: results(i, run)})
			}
			if err := batched.RecordDevices(ctx, id, recs); err != nil {
				t.Fatal(err)
			}
		}
		if err := batched.FinishRun(ctx, id, finish); err != nil {
			t.Fatal(err)
		}
	}
	if a, b := dumpTables(t, one), dumpTables(t, batched); a != b {
		t.Errorf("rows differ:\nRecordDevice:\n%s\nRecordDevices:\n%s", a, b)
	}
}

// countRows counts the rows a run wrote, finished or not.
func countRows(t *testing.T, s Store, runID int64) (devices, results, counts int) {
	t.Helper()
	db := s.(*sqlStore).db
	for _, c := range []struct {
		table string
		n     *int
	}{{"run_devices", &devices}, {"results", &results}, {"run_rule_counts", &counts}} {
		if err := db.QueryRow(s.(*sqlStore).d.rebind(`SELECT COUNT(*) FROM `+c.table+` WHERE run_id = ?`), runID).Scan(c.n); err != nil {
			t.Fatal(err)
		}
	}
	return devices, results, counts
}

// TestRecordDevicesFailingBatchRollsBack: a batch that fails part way (its
// last device repeats a rule) writes none of its rows, counts included;
// the batch committed before it stays.
func TestRecordDevicesFailingBatchRollsBack(t *testing.T) {
	forEach(t, func(t *testing.T, target string) {
		ctx := context.Background()
		s := mustOpen(t, target)
		id := beginTestRun(t, s, 0)
		first := []DeviceRecord{{Device: device(0), Results: results(0, 0)}, {Device: device(1), Results: results(1, 0)}}
		if err := s.RecordDevices(ctx, id, first); err != nil {
			t.Fatal(err)
		}
		// Queued by RecordDevice, then written with the failing batch.
		if err := s.RecordDevice(ctx, id, device(2), results(2, 0)); err != nil {
			t.Fatal(err)
		}
		bad := append(results(4, 0), results(4, 0)[0])
		second := []DeviceRecord{{Device: device(3), Results: results(3, 0)}, {Device: device(4), Results: bad}}
		if err := s.RecordDevices(ctx, id, second); err == nil {
			t.Fatal("a batch with a repeated result was accepted")
		}
		devices, res, counts := countRows(t, s, id)
		if devices != 2 || res != 2*len(rules) || counts != len(rules) {
			t.Errorf("after the failed batch: %d devices, %d results, %d counts; want the first batch only: 2, %d, %d", devices, res, counts, 2*len(rules), len(rules))
		}
		var passed int
		if err := s.(*sqlStore).db.QueryRow(s.(*sqlStore).d.rebind(`SELECT SUM(passed + failed) FROM run_rule_counts WHERE run_id = ?`), id).Scan(&passed); err != nil {
			t.Fatal(err)
		}
		if passed != 2*len(rules) {
			t.Errorf("counts hold %d results, want %d (the failed batch added to them)", passed, 2*len(rules))
		}
	})
}

// TestRecordDevicesCanceled: a cancelled context writes nothing and says
// why; the run stays unfinished.
func TestRecordDevicesCanceled(t *testing.T) {
	forEach(t, func(t *testing.T, target string) {
		s := mustOpen(t, target)
		id := beginTestRun(t, s, 0)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := s.RecordDevices(ctx, id, []DeviceRecord{{Device: device(0), Results: results(0, 0)}})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("RecordDevices with a cancelled context: %v, want context.Canceled", err)
		}
		if d, r, c := countRows(t, s, id); d+r+c != 0 {
			t.Errorf("cancelled batch wrote %d devices, %d results, %d counts", d, r, c)
		}
		runs, err := s.Runs(context.Background(), 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 1 || runs[0].State != "unfinished" {
			t.Errorf("runs = %+v, want one unfinished", runs)
		}
	})
}

// TestFinishRunPagesThroughDevices: FinishRun reads a run's devices a page
// at a time; pages that divide the fleet or not, and a page larger than
// it, leave the same rows as one page holding every device.
func TestFinishRunPagesThroughDevices(t *testing.T) {
	const n = 3 * 7
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			whole := mustOpen(t, be.new(t))
			whole.(*sqlStore).devicePage = n + 1
			for run := range 2 {
				if _, err := record(context.Background(), whole, "hq", run, n); err != nil {
					t.Fatal(err)
				}
			}
			want := dumpTables(t, whole)
			if !strings.Contains(want, "serial:SN0020") {
				t.Fatalf("the last device is missing from the rows of one page:\n%s", want)
			}
			for _, page := range []int{1, 5, 7, n} {
				paged := mustOpen(t, be.new(t))
				paged.(*sqlStore).devicePage = page
				for run := range 2 {
					if _, err := record(context.Background(), paged, "hq", run, n); err != nil {
						t.Fatal(err)
					}
				}
				if got := dumpTables(t, paged); got != want {
					t.Errorf("page of %d devices: rows differ:\ngot:\n%s\nwant:\n%s", page, got, want)
				}
			}
		})
	}
}
