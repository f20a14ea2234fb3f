package history

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// A finding is one open interval of a rule failing on a device:
//
//   - it opens at the first recorded run in which the rule fails on the
//     device (status fail, not waived);
//   - it closes at the first later run that sees the device and in which the
//     rule passes or is not applicable there;
//   - review, error, a waived failure or a rule missing from a run prove
//     nothing either way (unknown is never pass): the finding stays open;
//   - a device that is not seen any more never closes its findings: they
//     stay open and are counted apart, as on vanished devices.
//
// The time to remediate is closed_at - opened_at, the start times of the two
// runs. Its severity is the rule's severity when the finding opened.

// MTTRQuery selects the findings of a mean-time-to-remediate view.
type MTTRQuery struct {
	Since time.Time // fixed findings: closed at or after Since (zero: all)
	Site  string    // findings opened at this site (empty: all sites)
	AsOf  time.Time // open findings' age is measured up to AsOf
}

// MTTR is the remediation record of one severity.
type MTTR struct {
	Severity string
	// Fixed findings closed in the window and their mean time to remediate.
	Fixed int
	Mean  time.Duration
	// Open findings on devices seen in their site's newest run: how many,
	// their mean age and the oldest one's age at AsOf.
	Open       int
	OpenMean   time.Duration
	OpenOldest time.Duration
	// Vanished counts open findings on devices missing from the newest run
	// of the site where they were last seen: not fixed, not ageing either.
	Vanished int
}

// MarshalJSON writes durations in seconds, the unit other tools read.
func (m MTTR) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Severity   string  `json:"severity"`
		Fixed      int     `json:"fixed"`
		Mean       float64 `json:"mttr_seconds"`
		Open       int     `json:"open"`
		OpenMean   float64 `json:"open_mean_age_seconds"`
		OpenOldest float64 `json:"open_oldest_age_seconds"`
		Vanished   int     `json:"open_on_vanished_devices"`
	}{m.Severity, m.Fixed, m.Mean.Seconds(), m.Open, m.OpenMean.Seconds(), m.OpenOldest.Seconds(), m.Vanished})
}

// FormatAge writes a duration the way people say it: 3d 4h, 5h 10m, 12m.
func FormatAge(d time.Duration) string {
	// Round to the last unit shown.
	d = d.Round(time.Minute)
	if d >= 24*time.Hour {
		d = d.Round(time.Hour)
	}
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return fmt.Sprintf("%dd %dh", days, hours)
	case hours > 0:
		return fmt.Sprintf("%dh %dm", hours, mins)
	}
	return fmt.Sprintf("%dm", mins)
}

// fixedEvidence are the statuses that close a finding.
const fixedEvidence = `('pass', 'not_applicable')`

// updateFindings folds a run into the findings of its devices. Devices whose
// newest sighting is this run (the usual case) are updated in two
// statements; a device seen by this run earlier than its newest sighting
// (an import of old directories) has its findings rebuilt in order.
func (s *sqlStore) updateFindings(ctx context.Context, tx *sql.Tx, runID int64, site string, at int64, older []string) error {
	inOrder := `SELECT device_id FROM devices WHERE last_run = ?`
	if err := s.exec(ctx, tx, `UPDATE findings SET closed_run = ?, closed_at = ?
		WHERE closed_at = 0 AND device_id IN (`+inOrder+`)
		AND EXISTS (SELECT 1 FROM results x WHERE x.run_id = ? AND x.device_id = findings.device_id
			AND x.rule_id = findings.rule_id AND x.status IN `+fixedEvidence+`)`,
		runID, openMark(at), runID, runID); err != nil {
		return fmt.Errorf("close fixed findings: %w", err)
	}
	if err := s.exec(ctx, tx, `INSERT INTO findings (device_id, rule_id, severity, site, opened_run, opened_at, closed_run, closed_at)
		SELECT x.device_id, x.rule_id, x.severity, ?, x.run_id, ?, 0, 0 FROM results x
		WHERE x.run_id = ? AND x.status = 'fail' AND x.waived = 0 AND x.device_id IN (`+inOrder+`)
		AND NOT EXISTS (SELECT 1 FROM findings f WHERE f.device_id = x.device_id AND f.rule_id = x.rule_id AND f.closed_at = 0)`,
		site, at, runID, runID); err != nil {
		return fmt.Errorf("open new findings: %w", err)
	}
	for _, id := range older {
		if err := s.rebuildFindings(ctx, tx, id, runID); err != nil {
			return fmt.Errorf("rebuild findings of %s: %w", id, err)
		}
	}
	return nil
}

// openMark keeps closed_at = 0 meaning "open" even for a run stamped at the
// epoch.
func openMark(at int64) int64 { return max(at, 1) }

type finding struct {
	rule, severity, site string
	openedRun, openedAt  int64
	closedRun, closedAt  int64
}

type sample struct {
	run            int64
	at             int64
	site           string
	rule, severity string
	status         string
	waived         bool
}

// rebuildFindings recomputes one device's findings from its results in
// every recorded run (and run extra, being finished). Findings closed by
// runs already pruned are not in the results any more and are lost.
func (s *sqlStore) rebuildFindings(ctx context.Context, tx *sql.Tx, deviceID string, extra int64) error {
	rows, err := tx.QueryContext(ctx, s.d.rebind(`SELECT r.id, r.started_at, r.site, x.rule_id, x.severity, x.status, x.waived
		FROM results x JOIN runs r ON r.id = x.run_id
		WHERE x.device_id = ? AND (r.recorded = 1 OR r.id = ?)`), deviceID, extra)
	if err != nil {
		return err
	}
	var all []sample
	for rows.Next() {
		var p sample
		var waived int
		if err := rows.Scan(&p.run, &p.at, &p.site, &p.rule, &p.severity, &p.status, &waived); err != nil {
			rows.Close()
			return err
		}
		p.waived = waived == 1
		all = append(all, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if err := s.exec(ctx, tx, `DELETE FROM findings WHERE device_id = ?`, deviceID); err != nil {
		return err
	}
	for _, f := range walkFindings(all) {
		if err := s.exec(ctx, tx, `INSERT INTO findings (device_id, rule_id, severity, site, opened_run, opened_at, closed_run, closed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, deviceID, f.rule, f.severity, f.site, f.openedRun, f.openedAt, f.closedRun, f.closedAt); err != nil {
			return err
		}
	}
	return nil
}

// walkFindings replays one device's results in run order (start time, then
// id, as the trend queries order runs) and returns its findings.
func walkFindings(all []sample) []finding {
	slices.SortStableFunc(all, func(a, b sample) int {
		if a.at != b.at {
			return cmp.Compare(a.at, b.at)
		}
		return cmp.Compare(a.run, b.run)
	})
	open := map[string]int{} // rule → index in out
	var out []finding
	for _, p := range all {
		i, isOpen := open[p.rule]
		switch {
		case p.status == "fail" && !p.waived && !isOpen:
			open[p.rule] = len(out)
			out = append(out, finding{rule: p.rule, severity: p.severity, site: p.site, openedRun: p.run, openedAt: p.at})
		case isOpen && (p.status == "pass" || p.status == "not_applicable"):
			out[i].closedRun, out[i].closedAt = p.run, openMark(p.at)
			delete(open, p.rule)
		}
	}
	return out
}

// rebuildAllFindings fills the findings table of a store migrated from a
// schema without it, device by device.
func (s *sqlStore) rebuildAllFindings(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT device_id FROM devices ORDER BY device_id`)
	if err != nil {
		return err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.rebuildFindings(ctx, tx, id, 0); err != nil {
			return fmt.Errorf("rebuild findings of %s: %w", id, err)
		}
	}
	return nil
}

// MTTR reports, per severity, the findings fixed since q.Since with their
// mean time to remediate, and the findings still open.
func (s *sqlStore) MTTR(ctx context.Context, q MTTRQuery) ([]MTTR, error) {
	siteCond, args := "", []any{}
	if q.Site != "" {
		siteCond = ` AND f.site = ?`
		args = append(args, q.Site)
	}
	bySev := map[string]*MTTR{}
	get := func(sev string) *MTTR {
		if bySev[sev] == nil {
			bySev[sev] = &MTTR{Severity: sev}
		}
		return bySev[sev]
	}
	fixed, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT f.severity, COUNT(*), AVG(f.closed_at - f.opened_at)
		FROM findings f WHERE f.closed_at >= ?`+siteCond+` GROUP BY f.severity`), append([]any{max(nanos(q.Since), 1)}, args...)...)
	if err != nil {
		return nil, s.wrap("query time to remediate", err)
	}
	for fixed.Next() {
		var sev string
		var n int
		var mean float64
		if err := fixed.Scan(&sev, &n, &mean); err != nil {
			fixed.Close()
			return nil, s.wrap("query time to remediate", err)
		}
		m := get(sev)
		m.Fixed, m.Mean = n, time.Duration(mean)
	}
	fixed.Close()
	if err := fixed.Err(); err != nil {
		return nil, s.wrap("query time to remediate", err)
	}
	// A device is still seen when its newest sighting is its site's newest
	// recorded run.
	open, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT f.severity,
		CASE WHEN v.last_run = (SELECT n.id FROM runs n WHERE n.site = lr.site AND n.recorded = 1
			ORDER BY n.started_at DESC, n.id DESC LIMIT 1) THEN 1 ELSE 0 END AS seen,
		COUNT(*), AVG(CAST(f.opened_at AS DOUBLE PRECISION)), MIN(f.opened_at)
		FROM findings f JOIN devices v ON v.device_id = f.device_id JOIN runs lr ON lr.id = v.last_run
		WHERE f.closed_at = 0`+siteCond+` GROUP BY f.severity, seen`), args...)
	if err != nil {
		return nil, s.wrap("query open findings", err)
	}
	defer open.Close()
	asOf := nanos(q.AsOf)
	for open.Next() {
		var sev string
		var seen, n int
		var meanOpened float64
		var oldest int64
		if err := open.Scan(&sev, &seen, &n, &meanOpened, &oldest); err != nil {
			return nil, s.wrap("query open findings", err)
		}
		m := get(sev)
		if seen == 0 {
			m.Vanished += n
			continue
		}
		m.Open = n
		m.OpenMean = time.Duration(float64(asOf) - meanOpened)
		m.OpenOldest = time.Duration(asOf - oldest)
	}
	if err := open.Err(); err != nil {
		return nil, s.wrap("query open findings", err)
	}
	return sortMTTR(bySev), nil
}

// sortMTTR orders by severity, most severe first, then any other label.
func sortMTTR(bySev map[string]*MTTR) []MTTR {
	out := make([]MTTR, 0, len(bySev))
	for _, m := range bySev {
		out = append(out, *m)
	}
	rank := func(s string) int {
		if i := slices.Index(Severities, s); i >= 0 {
			return i
		}
		return len(Severities)
	}
	slices.SortFunc(out, func(a, b MTTR) int {
		if ra, rb := rank(a.Severity), rank(b.Severity); ra != rb {
			return ra - rb
		}
		return strings.Compare(a.Severity, b.Severity)
	})
	return out
}

// Severities are the catalogue's severities, most severe first.
var Severities = []string{"critical", "high", "medium", "low", "info"}
