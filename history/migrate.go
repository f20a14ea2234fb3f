package history

import (
	"context"
	"fmt"
	"strings"
)

// migrations are applied in order; migration i brings the schema to
// version i+1. Never edit a released one: append.
// {{ID}} is the auto-increment primary key of each dialect.
var migrations = []string{
	`CREATE TABLE runs (
		id {{ID}},
		site TEXT NOT NULL,
		started_at BIGINT NOT NULL,
		finished_at BIGINT NOT NULL DEFAULT 0,
		targets TEXT NOT NULL,
		tool TEXT NOT NULL,
		tool_version TEXT NOT NULL,
		catalogue_version TEXT NOT NULL,
		exit_status INTEGER NOT NULL DEFAULT 0,
		recorded INTEGER NOT NULL DEFAULT 0,
		incomplete INTEGER NOT NULL DEFAULT 1
	);
	CREATE INDEX runs_site_started ON runs (site, started_at);
	CREATE TABLE run_devices (
		run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
		device_id TEXT NOT NULL,
		address TEXT NOT NULL,
		vendor TEXT NOT NULL,
		model TEXT NOT NULL,
		serial TEXT NOT NULL,
		firmware TEXT NOT NULL,
		PRIMARY KEY (run_id, device_id)
	);
	CREATE INDEX run_devices_device ON run_devices (device_id);
	CREATE INDEX run_devices_address ON run_devices (address);
	CREATE TABLE results ` + resultsTable + `;
	CREATE TABLE devices (
		device_id TEXT PRIMARY KEY,
		first_seen BIGINT NOT NULL,
		last_seen BIGINT NOT NULL,
		last_run BIGINT NOT NULL,
		address TEXT NOT NULL,
		vendor TEXT NOT NULL,
		model TEXT NOT NULL,
		serial TEXT NOT NULL,
		firmware TEXT NOT NULL
	);
	CREATE INDEX devices_address ON devices (address);
	CREATE TABLE device_events (
		id {{ID}},
		device_id TEXT NOT NULL,
		run_id BIGINT NOT NULL,
		at BIGINT NOT NULL,
		kind TEXT NOT NULL,
		old_value TEXT NOT NULL,
		new_value TEXT NOT NULL
	);
	CREATE INDEX device_events_device ON device_events (device_id, at);
	CREATE TABLE baselines (
		site TEXT PRIMARY KEY,
		run_id BIGINT NOT NULL,
		sarif TEXT NOT NULL
	)`,
	// 2: per-run counts by rule, so trends read one row per run and rule
	// instead of every device × rule result.
	`CREATE TABLE run_rule_counts (
		run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
		rule_id TEXT NOT NULL,
		severity TEXT NOT NULL,
		key_point INTEGER NOT NULL,
		failed INTEGER NOT NULL,
		passed INTEGER NOT NULL,
		review INTEGER NOT NULL,
		PRIMARY KEY (run_id, rule_id, severity, key_point)
	);
	INSERT INTO run_rule_counts ` + countsSelect + ` WHERE x.run_id IN (SELECT id FROM runs WHERE recorded = 1) GROUP BY x.run_id, x.rule_id, x.severity, x.key_point`,
	// 3: SQLite keeps results in their primary-key tree (WITHOUT ROWID):
	// a rowid table wrote every result twice, once more in the key's
	// index, which was half the file and half the insert time.
	// findings: one row per open interval of a device × rule failure, the
	// ground of the mean time to remediate (findings.go), filled from the
	// results already stored once the migration has run.
	`/*sqlite*/ CREATE TABLE results_v3 ` + resultsTable + ` WITHOUT ROWID;
	/*sqlite*/ INSERT INTO results_v3 SELECT run_id, device_id, rule_id, status, severity, key_point, waived FROM results;
	/*sqlite*/ DROP TABLE results;
	/*sqlite*/ ALTER TABLE results_v3 RENAME TO results;
	CREATE TABLE findings (
		device_id TEXT NOT NULL,
		rule_id TEXT NOT NULL,
		severity TEXT NOT NULL,
		site TEXT NOT NULL,
		opened_run BIGINT NOT NULL,
		opened_at BIGINT NOT NULL,
		closed_run BIGINT NOT NULL DEFAULT 0,
		closed_at BIGINT NOT NULL DEFAULT 0,
		PRIMARY KEY (device_id, rule_id, opened_run)
	);
	CREATE INDEX findings_closed ON findings (closed_at, site, severity, opened_at);
	CREATE INDEX findings_open ON findings (device_id, rule_id) WHERE closed_at = 0`,
	// 4: a baseline is stored in parts (baselines.sarif left empty), so
	// keeping a large fleet's SARIF log (over 200 MB at 10,000 devices)
	// never holds it whole in memory, nor in SQLite's, nor in a bound value.
	`CREATE TABLE baseline_parts (
		site TEXT NOT NULL,
		part INTEGER NOT NULL,
		sarif TEXT NOT NULL,
		PRIMARY KEY (site, part)
	)`,
}

// resultsTable is the results table's definition since version 1; version
// 3 only changes how SQLite stores it. Frozen, as the migrations are.
const resultsTable = `(
	run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	device_id TEXT NOT NULL,
	rule_id TEXT NOT NULL,
	status TEXT NOT NULL,
	severity TEXT NOT NULL,
	key_point INTEGER NOT NULL,
	waived INTEGER NOT NULL,
	PRIMARY KEY (run_id, device_id, rule_id)
)`

// findingsSince is the first schema version with the findings table; a
// store migrated from before it has its findings rebuilt from its results.
const findingsSince = 3

// sqliteOnly marks a migration statement PostgreSQL skips.
const sqliteOnly = "/*sqlite*/"

// countsSelect aggregates results into run_rule_counts rows. A waived
// failure is not counted as failed.
const countsSelect = `SELECT x.run_id, x.rule_id, x.severity, x.key_point,
		SUM(CASE WHEN x.status = 'fail' AND x.waived = 0 THEN 1 ELSE 0 END),
		SUM(CASE WHEN x.status = 'pass' THEN 1 ELSE 0 END),
		SUM(CASE WHEN x.status = 'review' THEN 1 ELSE 0 END)
		FROM results x`

// SchemaVersion is the schema this build writes.
func SchemaVersion() int { return len(migrations) }

func (s *sqlStore) migrate(ctx context.Context) error {
	if err := s.exec(ctx, s.db, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_version: %w", err)
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.takeTurns(ctx, tx, lockSchema); err != nil {
		return fmt.Errorf("lock schema: %w", err)
	}
	var version int
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(version), 0) FROM schema_version`).Scan(&n, &version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if version > len(migrations) {
		return fmt.Errorf("%w: the store is at schema version %d, this mfpscan knows up to %d; upgrade mfpscan, or point --history at another store", ErrNewerSchema, version, len(migrations))
	}
	if version == len(migrations) {
		return tx.Rollback()
	}
	for i := version; i < len(migrations); i++ {
		for _, stmt := range strings.Split(migrations[i], ";") {
			if strings.TrimSpace(stmt) == "" {
				continue
			}
			stmt = strings.TrimSpace(stmt)
			if strings.HasPrefix(stmt, sqliteOnly) {
				if s.d != dialectSQLite {
					continue
				}
				stmt = strings.TrimPrefix(stmt, sqliteOnly)
			}
			stmt = strings.ReplaceAll(stmt, "{{ID}}", s.d.idColumn())
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("migrate to schema version %d: %w", i+1, err)
			}
		}
	}
	if version > 0 && version < findingsSince {
		if err := s.rebuildAllFindings(ctx, tx); err != nil {
			return fmt.Errorf("migrate to schema version %d: %w", findingsSince, err)
		}
	}
	if n == 0 {
		_, err = tx.ExecContext(ctx, s.d.rebind(`INSERT INTO schema_version (version) VALUES (?)`), len(migrations))
	} else {
		_, err = tx.ExecContext(ctx, s.d.rebind(`UPDATE schema_version SET version = ?`), len(migrations))
	}
	if err != nil {
		return fmt.Errorf("write schema version: %w", err)
	}
	return tx.Commit()
}
