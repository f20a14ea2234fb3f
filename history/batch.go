package history

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Recording queues devices and writes them in batches. One transaction per
// device spent most of a run's time in commits and statement parsing (see
// docs/BENCHMARKS.md); a batch is one short transaction with a few prepared
// multi-row INSERTs. The write lock is held only while a batch is written,
// so two sites recording into one SQLite file still take turns. Queued rows
// are lost with the process, which costs nothing: a run only counts once
// FinishRun has written the rest and marked it recorded.
const (
	batchDevices = 128  // write when this many devices are queued
	batchResults = 6000 // or this many results
	chunkRows    = 200  // rows per multi-row INSERT (7 columns: 1,400 parameters)
)

var (
	deviceColumns = []string{"run_id", "device_id", "address", "vendor", "model", "serial", "firmware"}
	resultColumns = []string{"run_id", "device_id", "rule_id", "status", "severity", "key_point", "waived"}
)

type queuedDevice struct {
	runID   int64
	dev     Device
	results []Result
}

type batch struct {
	mu      sync.Mutex
	devices []queuedDevice
	results int
	stmts   map[string]*sql.Stmt // full-chunk INSERTs, prepared once per table
}

func (s *sqlStore) RecordDevice(ctx context.Context, runID int64, d Device, results []Result) error {
	if d.ID == "" {
		d.ID = "address:" + d.Address
	}
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	// The caller may reuse its slice for the next device.
	s.b.devices = append(s.b.devices, queuedDevice{runID: runID, dev: d, results: slices.Clone(results)})
	s.b.results += len(results)
	if len(s.b.devices) < batchDevices && s.b.results < batchResults {
		return nil
	}
	return s.flushLocked(ctx)
}

func (s *sqlStore) RecordDevices(ctx context.Context, runID int64, devices []DeviceRecord) error {
	if len(devices) == 0 {
		return nil
	}
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	// Written before returning, so the caller's slices need no copy.
	for _, r := range devices {
		d := r.Device
		if d.ID == "" {
			d.ID = "address:" + d.Address
		}
		s.b.devices = append(s.b.devices, queuedDevice{runID: runID, dev: d, results: r.Results})
	}
	return s.flushLocked(ctx)
}

// flush writes every queued device; FinishRun calls it first.
func (s *sqlStore) flush(ctx context.Context) error {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	return s.flushLocked(ctx)
}

func (s *sqlStore) flushLocked(ctx context.Context) error {
	if len(s.b.devices) == 0 {
		return nil
	}
	queued := s.b.devices
	// A batch that failed is dropped, not retried: its run cannot be
	// finished any more, and the caller stops recording on the error.
	s.b.devices, s.b.results = nil, 0
	devArgs := make([]any, 0, len(queued)*len(deviceColumns))
	resArgs := make([]any, 0, len(queued)*len(resultColumns)*47)
	for _, q := range queued {
		d := q.dev
		devArgs = append(devArgs, q.runID, d.ID, d.Address, d.Vendor, d.Model, d.Serial, d.Firmware)
		for _, r := range q.results {
			resArgs = append(resArgs, q.runID, d.ID, r.RuleID, r.Status, r.Severity, r.KeyPoint, b2i(r.Waived))
		}
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	first, last := queued[0].dev.ID, queued[len(queued)-1].dev.ID
	if err := s.insertRows(ctx, tx, "run_devices", deviceColumns, devArgs); err != nil {
		return s.wrap(fmt.Sprintf("record devices %s … %s", first, last), err)
	}
	if err := s.insertRows(ctx, tx, "results", resultColumns, resArgs); err != nil {
		return s.wrap(fmt.Sprintf("record results of devices %s … %s", first, last), err)
	}
	if err := s.addCounts(ctx, tx, queued); err != nil {
		return s.wrap("count results", err)
	}
	if err := tx.Commit(); err != nil {
		return s.wrap("commit devices", err)
	}
	return nil
}

// insertRows writes args (len(cols) values a row) in multi-row INSERTs of
// chunkRows rows; full chunks reuse one prepared statement, so SQLite parses
// it once per store rather than once per device.
func (s *sqlStore) insertRows(ctx context.Context, tx *sql.Tx, table string, cols []string, args []any) error {
	n := len(cols)
	rows := len(args) / n
	for start := 0; start < rows; start += chunkRows {
		k := min(chunkRows, rows-start)
		part := args[start*n : (start+k)*n]
		if k < chunkRows {
			if err := s.exec(ctx, tx, insertSQL(table, cols, k), part...); err != nil {
				return err
			}
			continue
		}
		stmt, err := s.chunkStmt(ctx, table, cols)
		if err != nil {
			return err
		}
		if _, err := tx.StmtContext(ctx, stmt).ExecContext(ctx, part...); err != nil {
			return err
		}
	}
	return nil
}

func (s *sqlStore) chunkStmt(ctx context.Context, table string, cols []string) (*sql.Stmt, error) {
	if st := s.b.stmts[table]; st != nil {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, s.d.rebind(insertSQL(table, cols, chunkRows)))
	if err != nil {
		return nil, err
	}
	if s.b.stmts == nil {
		s.b.stmts = map[string]*sql.Stmt{}
	}
	s.b.stmts[table] = st
	return st, nil
}

func insertSQL(table string, cols []string, rows int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	return "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
}

func (s *sqlStore) closeStmts() {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	for _, st := range s.b.stmts {
		st.Close()
	}
	s.b.stmts = nil
}

type countKey struct {
	runID    int64
	rule     string
	severity string
	keyPoint int
}

// addCounts adds the batch's results to run_rule_counts in the batch's own
// transaction, so the counts always match the rows written; grouping a
// whole run's results at FinishRun cost a sort of every result.
func (s *sqlStore) addCounts(ctx context.Context, tx *sql.Tx, queued []queuedDevice) error {
	counts := map[countKey]*[3]int{}
	var keys []countKey
	for _, q := range queued {
		for _, r := range q.results {
			k := countKey{q.runID, r.RuleID, r.Severity, r.KeyPoint}
			c := counts[k]
			if c == nil {
				c = &[3]int{}
				counts[k] = c
				keys = append(keys, k)
			}
			switch {
			case r.Status == "fail" && !r.Waived: // a waived failure is not counted as failed
				c[0]++
			case r.Status == "pass":
				c[1]++
			case r.Status == "review":
				c[2]++
			}
		}
	}
	cols := []string{"run_id", "rule_id", "severity", "key_point", "failed", "passed", "review"}
	for start := 0; start < len(keys); start += chunkRows {
		part := keys[start:min(start+chunkRows, len(keys))]
		args := make([]any, 0, len(part)*len(cols))
		for _, k := range part {
			c := counts[k]
			args = append(args, k.runID, k.rule, k.severity, k.keyPoint, c[0], c[1], c[2])
		}
		q := insertSQL("run_rule_counts", cols, len(part)) + ` ON CONFLICT (run_id, rule_id, severity, key_point) DO UPDATE SET
			failed = run_rule_counts.failed + excluded.failed,
			passed = run_rule_counts.passed + excluded.passed,
			review = run_rule_counts.review + excluded.review`
		if err := s.exec(ctx, tx, q, args...); err != nil {
			return err
		}
	}
	return nil
}
