package history

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

func runState(recorded, incomplete bool) string {
	switch {
	case !recorded:
		return "unfinished"
	case incomplete:
		return "incomplete"
	}
	return "complete"
}

func (s *sqlStore) Runs(ctx context.Context, limit int) ([]RunSummary, error) {
	q := `SELECT r.id, r.site, r.started_at, r.finished_at, r.targets, r.tool, r.tool_version, r.catalogue_version,
		r.exit_status, r.recorded, r.incomplete,
		(SELECT COUNT(*) FROM run_devices d WHERE d.run_id = r.id),
		(SELECT COALESCE(SUM(c.failed), 0) FROM run_rule_counts c WHERE c.run_id = r.id)
		FROM runs r ORDER BY r.started_at DESC, r.id DESC`
	var args []any
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, s.d.rebind(q), args...)
	if err != nil {
		return nil, s.wrap("list runs", err)
	}
	defer rows.Close()
	var out []RunSummary
	for rows.Next() {
		var r RunSummary
		var started, finished int64
		var targets string
		var recorded, incomplete int
		if err := rows.Scan(&r.ID, &r.Site, &started, &finished, &targets, &r.Tool, &r.ToolVersion, &r.CatalogueVersion,
			&r.ExitStatus, &recorded, &incomplete, &r.Devices, &r.Failed); err != nil {
			return nil, s.wrap("list runs", err)
		}
		r.StartedAt, r.FinishedAt = fromNanos(started), fromNanos(finished)
		_ = json.Unmarshal([]byte(targets), &r.Targets)
		r.State = runState(recorded == 1, incomplete == 1)
		if r.State == "unfinished" {
			// Rows of an unfinished run never count as results.
			r.Failed = 0
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Device finds a device by id, or else by its current or any past address.
func (s *sqlStore) Device(ctx context.Context, key string) (*Timeline, error) {
	id := key
	var t Timeline
	var first, last int64
	scan := func(where string, arg string) error {
		return s.db.QueryRowContext(ctx, s.d.rebind(`SELECT device_id, first_seen, last_seen, address, vendor, model, serial, firmware FROM devices WHERE `+where), arg).
			Scan(&t.ID, &first, &last, &t.Address, &t.Vendor, &t.Model, &t.Serial, &t.Firmware)
	}
	err := scan(`device_id = ?`, id)
	if err == sql.ErrNoRows {
		err = scan(`address = ? ORDER BY last_seen DESC LIMIT 1`, key)
	}
	if err == sql.ErrNoRows {
		err = scan(`device_id = (SELECT d.device_id FROM run_devices d JOIN runs r ON r.id = d.run_id
			WHERE d.address = ? AND r.recorded = 1 ORDER BY r.started_at DESC LIMIT 1)`, key)
	}
	if err == sql.ErrNoRows {
		return nil, fmt.Errorf("no device %q in the history store (give a device id such as serial:… or an address)", key)
	}
	if err != nil {
		return nil, s.wrap("find device", err)
	}
	t.FirstSeen, t.LastSeen = fromNanos(first), fromNanos(last)
	if err := s.events(ctx, &t); err != nil {
		return nil, err
	}
	if err := s.sightings(ctx, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

func (s *sqlStore) events(ctx context.Context, t *Timeline) error {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT run_id, at, kind, old_value, new_value FROM device_events WHERE device_id = ? ORDER BY at, id`), t.ID)
	if err != nil {
		return s.wrap("read device events", err)
	}
	defer rows.Close()
	t.Events = []Event{}
	for rows.Next() {
		var e Event
		var at int64
		if err := rows.Scan(&e.RunID, &at, &e.Kind, &e.Old, &e.New); err != nil {
			return s.wrap("read device events", err)
		}
		e.At = fromNanos(at)
		t.Events = append(t.Events, e)
	}
	return rows.Err()
}

func (s *sqlStore) sightings(ctx context.Context, t *Timeline) error {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT r.id, r.started_at, r.site, d.address,
		SUM(CASE WHEN x.status = 'fail' AND x.waived = 0 THEN 1 ELSE 0 END),
		SUM(CASE WHEN x.status = 'review' THEN 1 ELSE 0 END),
		SUM(CASE WHEN x.status = 'pass' THEN 1 ELSE 0 END)
		FROM run_devices d JOIN runs r ON r.id = d.run_id
		LEFT JOIN results x ON x.run_id = d.run_id AND x.device_id = d.device_id
		WHERE d.device_id = ? AND r.recorded = 1
		GROUP BY r.id, r.started_at, r.site, d.address ORDER BY r.started_at`), t.ID)
	if err != nil {
		return s.wrap("read device runs", err)
	}
	defer rows.Close()
	t.Runs = []Sighting{}
	for rows.Next() {
		var g Sighting
		var at int64
		var failed, review, passed sql.NullInt64
		if err := rows.Scan(&g.RunID, &at, &g.Site, &g.Address, &failed, &review, &passed); err != nil {
			return s.wrap("read device runs", err)
		}
		g.At = fromNanos(at)
		g.Failed, g.Review, g.Passed = int(failed.Int64), int(review.Int64), int(passed.Int64)
		t.Runs = append(t.Runs, g)
	}
	return rows.Err()
}

// Trend counts results per recorded run and group. Only recorded runs count,
// so a writer that died mid-run never shows up as a dip.
func (s *sqlStore) Trend(ctx context.Context, q TrendQuery) ([]TrendPoint, error) {
	var key string
	switch q.By {
	case "", "severity":
		key = "x.severity"
	case "key-point":
		key = "x.key_point"
	case "rule":
		key = "x.rule_id"
	case "site":
		key = "r.site"
	default:
		return nil, fmt.Errorf("unknown trend grouping %q (valid: severity, key-point, rule, site)", q.By)
	}
	where := `r.recorded = 1 AND r.started_at >= ?`
	args := []any{nanos(q.Since)}
	if q.Site != "" {
		where += ` AND r.site = ?`
		args = append(args, q.Site)
	}
	query := `SELECT r.id, r.started_at, r.site, ` + key + `, SUM(x.failed), SUM(x.passed), SUM(x.review)
		FROM run_rule_counts x JOIN runs r ON r.id = x.run_id
		WHERE ` + where + `
		GROUP BY r.id, r.started_at, r.site, ` + key + `
		ORDER BY r.started_at, r.id, ` + key
	rows, err := s.db.QueryContext(ctx, s.d.rebind(query), args...)
	if err != nil {
		return nil, s.wrap("query trend", err)
	}
	defer rows.Close()
	out := []TrendPoint{}
	for rows.Next() {
		var p TrendPoint
		var at int64
		var k any
		if err := rows.Scan(&p.RunID, &at, &p.Site, &k, &p.Failed, &p.Passed, &p.Review); err != nil {
			return nil, s.wrap("query trend", err)
		}
		p.StartedAt = fromNanos(at)
		p.Key = keyString(k)
		if q.By == "key-point" {
			p.Key = "KP" + p.Key
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func keyString(v any) string {
	switch k := v.(type) {
	case int64:
		return strconv.FormatInt(k, 10)
	case int32:
		return strconv.FormatInt(int64(k), 10)
	case []byte:
		return string(k)
	case string:
		return k
	}
	return fmt.Sprint(v)
}

func (s *sqlStore) Baseline(ctx context.Context, site string) ([]byte, int64, error) {
	var buf bytes.Buffer
	id, found, err := s.WriteBaseline(ctx, site, &buf)
	if err != nil || !found {
		return nil, 0, err
	}
	if buf.Len() == 0 {
		return []byte{}, id, nil // a baseline, empty: not the nil of none
	}
	return buf.Bytes(), id, nil
}

func (s *sqlStore) WriteBaseline(ctx context.Context, site string, w io.Writer) (int64, bool, error) {
	var sarif string
	var id int64
	err := s.db.QueryRowContext(ctx, s.d.rebind(`SELECT sarif, run_id FROM baselines WHERE site = ?`), site).Scan(&sarif, &id)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, s.wrap("read baseline", err)
	}
	if sarif != "" {
		// Stored whole, before schema 4.
		if _, err := io.WriteString(w, sarif); err != nil {
			return 0, false, fmt.Errorf("copy baseline: %w", err)
		}
		return id, true, nil
	}
	if err := s.baselineParts(ctx, site, w); err != nil {
		return 0, false, s.wrap("read baseline", err)
	}
	return id, true, nil
}

// Prune deletes runs and their rows; device rows stay (first seen is still
// true), devices no run mentions any more go.
func (s *sqlStore) Prune(ctx context.Context, o PruneOptions) (int, error) {
	if o.Keep <= 0 && o.OlderThan.IsZero() {
		return 0, fmt.Errorf("prune: give --keep N or --older-than D")
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	cond := []string{}
	args := []any{}
	if !o.OlderThan.IsZero() {
		cond = append(cond, `started_at < ?`)
		args = append(args, nanos(o.OlderThan))
	}
	if o.Keep > 0 {
		cond = append(cond, `(SELECT COUNT(*) FROM runs n WHERE n.site = runs.site AND (n.started_at > runs.started_at OR (n.started_at = runs.started_at AND n.id > runs.id))) >= ?`)
		args = append(args, o.Keep)
	}
	where := cond[0]
	if len(cond) == 2 {
		where += " OR " + cond[1]
	}
	ids := `SELECT id FROM runs WHERE ` + where
	for _, q := range []string{
		`DELETE FROM results WHERE run_id IN (` + ids + `)`,
		`DELETE FROM run_rule_counts WHERE run_id IN (` + ids + `)`,
		`DELETE FROM run_devices WHERE run_id IN (` + ids + `)`,
		`DELETE FROM device_events WHERE run_id IN (` + ids + `) AND kind <> 'first_seen'`,
		// A finding fixed by a deleted run leaves the remediation record;
		// open ones and those fixed by kept runs stay.
		`DELETE FROM findings WHERE closed_run IN (` + ids + `)`,
		`DELETE FROM baselines WHERE run_id IN (` + ids + `)`,
	} {
		if err := s.exec(ctx, tx, q, args...); err != nil {
			return 0, s.wrap("prune", err)
		}
	}
	res, err := tx.ExecContext(ctx, s.d.rebind(`DELETE FROM runs WHERE `+where), args...)
	if err != nil {
		return 0, s.wrap("prune runs", err)
	}
	n, _ := res.RowsAffected()
	for _, q := range []string{
		`DELETE FROM devices WHERE device_id NOT IN (SELECT device_id FROM run_devices)`,
		`DELETE FROM device_events WHERE device_id NOT IN (SELECT device_id FROM devices)`,
		`DELETE FROM findings WHERE device_id NOT IN (SELECT device_id FROM devices)`,
		`DELETE FROM baseline_parts WHERE site NOT IN (SELECT site FROM baselines)`,
	} {
		if err := s.exec(ctx, tx, q); err != nil {
			return 0, s.wrap("prune devices", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, s.wrap("commit prune", err)
	}
	return int(n), nil
}
