package history

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// RunTrend is one run in the report's trend charts.
type RunTrend struct {
	RunID            int64
	StartedAt        time.Time
	FailedBySeverity map[string]int
	// New and Fixed compare the run's failures with the run before it;
	// HasPrevious is false for the oldest run shown when none precedes it.
	New, Fixed  int
	HasPrevious bool
}

// KeyPointTrend is a key point's compliance (passed / (passed + failed)) in
// each run of ReportTrends.Runs; -1 where the run had no such result.
type KeyPointTrend struct {
	KeyPoint   int
	Compliance []float64
}

// MissingDevice was in the previous run of the site but not in the newest.
type MissingDevice struct {
	ID, Address string
	LastSeen    time.Time
}

// ReportTrends is what the HTML report charts, runs oldest first.
type ReportTrends struct {
	Runs      []RunTrend
	KeyPoints []KeyPointTrend
	Missing   []MissingDevice
	// MTTR covers the findings of the site fixed within the runs shown;
	// open findings' ages are taken at the newest run's start.
	MTTR []MTTR
}

type runRef struct {
	id int64
	at int64
}

// ReportTrends gathers the last n recorded runs of site, oldest first.
func (s *sqlStore) ReportTrends(ctx context.Context, site string, n int) (*ReportTrends, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT id, started_at FROM runs WHERE site = ? AND recorded = 1 ORDER BY started_at DESC, id DESC LIMIT ?`), site, n+1)
	if err != nil {
		return nil, s.wrap("read runs for trends", err)
	}
	var refs []runRef
	for rows.Next() {
		var r runRef
		if err := rows.Scan(&r.id, &r.at); err != nil {
			rows.Close()
			return nil, s.wrap("read runs for trends", err)
		}
		refs = append(refs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.wrap("read runs for trends", err)
	}
	slices.Reverse(refs)
	out := &ReportTrends{}
	if len(refs) == 0 {
		return out, nil
	}
	shown := refs
	if len(refs) > n {
		shown = refs[1:]
	}
	in, args := inList(refs)
	fails, err := s.failSets(ctx, in, args)
	if err != nil {
		return nil, err
	}
	seen, err := s.seenSets(ctx, in, args)
	if err != nil {
		return nil, err
	}
	index := map[int64]int{}
	for i, r := range shown {
		index[r.id] = i
		t := RunTrend{RunID: r.id, StartedAt: fromNanos(r.at), FailedBySeverity: map[string]int{}}
		if prev := slices.IndexFunc(refs, func(x runRef) bool { return x.id == r.id }) - 1; prev >= 0 {
			t.HasPrevious = true
			before, now := fails[refs[prev].id], fails[r.id]
			for k := range now {
				if !before[k] {
					t.New++
				}
			}
			// A failure of a device missing from this run is not fixed
			// (it is listed as a missing device instead), as in MTTR.
			for k := range before {
				dev, _, _ := strings.Cut(k, "\x00")
				if !now[k] && seen[r.id][dev+"\x00"] {
					t.Fixed++
				}
			}
		}
		out.Runs = append(out.Runs, t)
	}
	if err := s.trendCounts(ctx, in, args, index, out); err != nil {
		return nil, err
	}
	if out.MTTR, err = s.MTTR(ctx, MTTRQuery{Site: site, Since: fromNanos(shown[0].at), AsOf: fromNanos(refs[len(refs)-1].at)}); err != nil {
		return nil, err
	}
	if len(refs) >= 2 {
		last, prev := refs[len(refs)-1], refs[len(refs)-2]
		m, err := s.missing(ctx, prev, last)
		if err != nil {
			return nil, err
		}
		out.Missing = m
	}
	return out, nil
}

func inList(refs []runRef) (string, []any) {
	args := make([]any, len(refs))
	for i, r := range refs {
		args[i] = r.id
	}
	return "(" + strings.TrimSuffix(strings.Repeat("?,", len(refs)), ",") + ")", args
}

func (s *sqlStore) failSets(ctx context.Context, in string, args []any) (map[int64]map[string]bool, error) {
	return s.runSets(ctx, "failures", `SELECT run_id, device_id, rule_id FROM results WHERE run_id IN `+in+` AND status = 'fail' AND waived = 0`, args)
}

// seenSets gives the devices of each run, keyed as failSets keys them with
// an empty rule.
func (s *sqlStore) seenSets(ctx context.Context, in string, args []any) (map[int64]map[string]bool, error) {
	return s.runSets(ctx, "devices", `SELECT run_id, device_id, '' FROM run_devices WHERE run_id IN `+in, args)
}

// runSets reads (run, device, rule) rows into one set of device NUL rule
// per run.
func (s *sqlStore) runSets(ctx context.Context, what, q string, args []any) (map[int64]map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(q), args...)
	if err != nil {
		return nil, s.wrap("read "+what+" for trends", err)
	}
	defer rows.Close()
	out := map[int64]map[string]bool{}
	for rows.Next() {
		var id int64
		var dev, rule string
		if err := rows.Scan(&id, &dev, &rule); err != nil {
			return nil, s.wrap("read "+what+" for trends", err)
		}
		if out[id] == nil {
			out[id] = map[string]bool{}
		}
		out[id][dev+"\x00"+rule] = true
	}
	return out, rows.Err()
}

func (s *sqlStore) trendCounts(ctx context.Context, in string, args []any, index map[int64]int, out *ReportTrends) error {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT run_id, severity, key_point, SUM(failed), SUM(passed) FROM run_rule_counts
		WHERE run_id IN `+in+` GROUP BY run_id, severity, key_point`), args...)
	if err != nil {
		return s.wrap("read counts for trends", err)
	}
	defer rows.Close()
	type pf struct{ passed, failed int }
	kp := map[int][]pf{}
	for rows.Next() {
		var id int64
		var sev string
		var point, failed, passed int
		if err := rows.Scan(&id, &sev, &point, &failed, &passed); err != nil {
			return s.wrap("read counts for trends", err)
		}
		i, ok := index[id]
		if !ok {
			continue
		}
		out.Runs[i].FailedBySeverity[sev] += failed
		if kp[point] == nil {
			kp[point] = make([]pf, len(out.Runs))
		}
		kp[point][i].passed += passed
		kp[point][i].failed += failed
	}
	if err := rows.Err(); err != nil {
		return s.wrap("read counts for trends", err)
	}
	for _, p := range slices.Sorted(maps.Keys(kp)) {
		t := KeyPointTrend{KeyPoint: p, Compliance: make([]float64, len(out.Runs))}
		for i, c := range kp[p] {
			t.Compliance[i] = -1
			if c.passed+c.failed > 0 {
				t.Compliance[i] = float64(c.passed) / float64(c.passed+c.failed)
			}
		}
		out.KeyPoints = append(out.KeyPoints, t)
	}
	return nil
}

func (s *sqlStore) missing(ctx context.Context, prev, last runRef) ([]MissingDevice, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT device_id, address FROM run_devices WHERE run_id = ?
		AND device_id NOT IN (SELECT device_id FROM run_devices WHERE run_id = ?) ORDER BY address`), prev.id, last.id)
	if err != nil {
		return nil, s.wrap("read missing devices", err)
	}
	defer rows.Close()
	var out []MissingDevice
	for rows.Next() {
		m := MissingDevice{LastSeen: fromNanos(prev.at)}
		if err := rows.Scan(&m.ID, &m.Address); err != nil {
			return nil, s.wrap("read missing devices", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// SetBaseline keeps sarif as the site's baseline when runID is its newest
// complete run.
func (s *sqlStore) SetBaseline(ctx context.Context, runID int64, sarif io.Reader) error {
	var site string
	var recorded, incomplete int
	if err := s.db.QueryRowContext(ctx, s.d.rebind(`SELECT site, recorded, incomplete FROM runs WHERE id = ?`), runID).Scan(&site, &recorded, &incomplete); err != nil {
		return s.wrap(fmt.Sprintf("find run %d", runID), err)
	}
	if recorded != 1 || incomplete != 0 {
		return nil
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.storeBaseline(ctx, tx, site, runID, sarif); err != nil {
		return s.wrap("store baseline", err)
	}
	if err := tx.Commit(); err != nil {
		return s.wrap("commit baseline", err)
	}
	return nil
}
