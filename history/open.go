package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// busyTimeoutMS is how long a SQLite writer waits for another one (two
// site scans on one file) before giving up with "database is locked".
const busyTimeoutMS = 15000

func openSQLite(ctx context.Context, path string) (Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("open history store %s: %w", path, err)
		}
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// An 8 MB page cache per connection: 32 MB cost the process 80 MB more
	// at the end of a 100,000-device run (histbench -runs 2 -devices
	// 100000: 149 MB against 68 MB peak) for the same CPU time (66.7 s
	// against 65.1 s, two runs each); see docs/BENCHMARKS.md.
	q.Add("_pragma", "cache_size(-8000)")
	// Temporary tables and sorts (FinishRun's findings statements over a
	// run's results) spill to a file past the cache: kept in memory they
	// took 170–250 MiB more at 100,000 devices, and were not faster.
	q.Add("_pragma", "temp_store(FILE)")
	// BEGIN IMMEDIATE takes the write lock up front, so two writers queue
	// on the busy timeout instead of failing on a lock upgrade.
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open history store %s: %w", path, err)
	}
	s := &sqlStore{db: db, d: dialectSQLite, name: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, explainSQLite(path, err)
	}
	return s, nil
}

// explainSQLite turns SQLite's terse errors into what the operator can do.
func explainSQLite(path string, err error) error {
	msg := err.Error()
	switch {
	case errors.Is(err, ErrNewerSchema):
		return fmt.Errorf("open history store %s: %w", path, err)
	case strings.Contains(msg, "not a database") || strings.Contains(msg, "malformed"):
		return fmt.Errorf("open history store %s: the file is corrupt or not an mfpscan history database (move it aside, or use --history PATH / --no-history): %w", path, err)
	case strings.Contains(msg, "locked") || strings.Contains(msg, "busy"):
		return fmt.Errorf("open history store %s: locked by another process for more than %ds: %w", path, busyTimeoutMS/1000, err)
	case strings.Contains(msg, "full") || strings.Contains(msg, "readonly") || strings.Contains(msg, "unable to open"):
		return fmt.Errorf("open history store %s: cannot write (disk full, read-only or no permission): %w", path, err)
	}
	return fmt.Errorf("open history store %s: %w", path, err)
}

func openPostgres(ctx context.Context, dsn string) (Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open history store %s: %w", redact(dsn), err)
	}
	db.SetMaxOpenConns(4)
	s := &sqlStore{db: db, d: dialectPostgres, name: redact(dsn)}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open history store %s: %w", redact(dsn), err)
	}
	return s, nil
}

// redact hides a password in a URL so it never reaches logs or errors.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}
