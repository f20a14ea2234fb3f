// Package history records every run of mfpscan in a database (SQLite by
// default, PostgreSQL for a central store) so fleet owners can follow devices
// and findings across sweeps. A run is written as "recording" first; its
// results only count once FinishRun marks it recorded, so a writer that dies
// mid-run leaves an unfinished run, never results that look final.
package history

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"time"
)

// ErrNewerSchema is returned when the store was written by a newer mfpscan.
var ErrNewerSchema = errors.New("history store schema is newer than this mfpscan")

// Run is what is known about a run when it starts.
type Run struct {
	Site             string
	StartedAt        time.Time
	Targets          []string
	Tool             string
	ToolVersion      string
	CatalogueVersion string
}

// RunEnd is what is known when a run's recording ends.
type RunEnd struct {
	FinishedAt time.Time
	ExitStatus int
	// Incomplete is set when the sweep itself was cut short.
	Incomplete bool
	// SARIF is the run's results.sarif, kept as the site's next baseline
	// (only the newest complete run per site is kept).
	SARIF []byte
}

// Device is one device as seen in one run.
type Device struct {
	ID       string // facts identity.device_id
	Address  string
	Vendor   string
	Model    string
	Serial   string
	Firmware string
}

// DeviceRecord is one device and its results, as RecordDevices takes them.
type DeviceRecord struct {
	Device  Device
	Results []Result
}

// Result is one device × rule outcome.
type Result struct {
	RuleID   string
	Status   string // pass, fail, review, not_applicable, error
	Severity string
	KeyPoint int
	Waived   bool
}

// RunSummary is one row of `history runs`.
type RunSummary struct {
	ID               int64     `json:"id"`
	Site             string    `json:"site"`
	StartedAt        time.Time `json:"started_at"`
	FinishedAt       time.Time `json:"finished_at,omitzero"`
	Targets          []string  `json:"targets"`
	Tool             string    `json:"tool"`
	ToolVersion      string    `json:"tool_version"`
	CatalogueVersion string    `json:"catalogue_version"`
	ExitStatus       int       `json:"exit_status"`
	// State is "complete", "incomplete" (sweep interrupted, results
	// recorded) or "unfinished" (recording never ended: crash or running).
	State   string `json:"state"`
	Devices int    `json:"devices"`
	Failed  int    `json:"failed"`
}

// Event is a change in a device's history.
type Event struct {
	RunID int64     `json:"run_id"`
	At    time.Time `json:"at"`
	Kind  string    `json:"kind"` // first_seen, address, identity, firmware
	Old   string    `json:"old,omitempty"`
	New   string    `json:"new"`
}

// Sighting is a device's presence in one recorded run.
type Sighting struct {
	RunID   int64     `json:"run_id"`
	At      time.Time `json:"at"`
	Site    string    `json:"site"`
	Address string    `json:"address"`
	Failed  int       `json:"failed"`
	Review  int       `json:"review"`
	Passed  int       `json:"passed"`
}

// Timeline is the history of one device.
type Timeline struct {
	ID        string     `json:"device_id"`
	FirstSeen time.Time  `json:"first_seen"`
	LastSeen  time.Time  `json:"last_seen"`
	Address   string     `json:"address"`
	Vendor    string     `json:"vendor,omitempty"`
	Model     string     `json:"model,omitempty"`
	Serial    string     `json:"serial,omitempty"`
	Firmware  string     `json:"firmware,omitempty"`
	Events    []Event    `json:"events"`
	Runs      []Sighting `json:"runs"`
}

// TrendQuery selects a trend.
type TrendQuery struct {
	By    string    // severity, key-point, rule, site
	Since time.Time // zero: all
	Site  string    // empty: all sites
}

// TrendPoint is the count of one group in one run.
type TrendPoint struct {
	RunID     int64     `json:"run_id"`
	StartedAt time.Time `json:"started_at"`
	Site      string    `json:"site"`
	Key       string    `json:"key"`
	Failed    int       `json:"failed"`
	Passed    int       `json:"passed"`
	Review    int       `json:"review"`
}

// PruneOptions says which runs to delete; both may be set.
type PruneOptions struct {
	Keep      int       // keep the newest N runs per site (0: no limit)
	OlderThan time.Time // delete runs started before (zero: no limit)
}

// Store is a history backend.
type Store interface {
	BeginRun(ctx context.Context, r Run) (int64, error)
	// RecordDevice queues one device and its results; they are written in
	// batches, the last by FinishRun. Safe for concurrent use.
	RecordDevice(ctx context.Context, runID int64, d Device, results []Result) error
	// RecordDevices writes devices and their results, with any still
	// queued by RecordDevice, in one transaction committed before it
	// returns: the same rows as one RecordDevice per device. On an error
	// none of them is written and the run cannot be finished. Safe for
	// concurrent use.
	RecordDevices(ctx context.Context, runID int64, devices []DeviceRecord) error
	// FinishRun updates device histories and marks the run recorded, in one
	// transaction.
	FinishRun(ctx context.Context, runID int64, end RunEnd) error

	Runs(ctx context.Context, limit int) ([]RunSummary, error)
	Device(ctx context.Context, idOrAddress string) (*Timeline, error)
	Trend(ctx context.Context, q TrendQuery) ([]TrendPoint, error)
	// MTTR is the mean time to remediate per severity (see findings.go).
	MTTR(ctx context.Context, q MTTRQuery) ([]MTTR, error)
	// Baseline is the SARIF log of the site's newest complete run, nil if none.
	Baseline(ctx context.Context, site string) ([]byte, int64, error)
	// WriteBaseline copies that log to w part by part, so memory does not
	// grow with its size; found is false, and nothing is written, if the
	// site has none.
	WriteBaseline(ctx context.Context, site string, w io.Writer) (runID int64, found bool, err error)
	// SetBaseline keeps a recorded complete run's SARIF log as its site's
	// baseline (written after the reports, so after FinishRun). The log is
	// read part by part: memory does not grow with its size.
	SetBaseline(ctx context.Context, runID int64, sarif io.Reader) error
	// ReportTrends gathers the last n recorded runs of site for the report.
	ReportTrends(ctx context.Context, site string, n int) (*ReportTrends, error)
	Prune(ctx context.Context, o PruneOptions) (int, error)
	SchemaVersion(ctx context.Context) (int, error)
	Close() error
}

// IsPostgres reports whether target names a PostgreSQL store.
func IsPostgres(target string) bool {
	return strings.HasPrefix(target, "postgres://") || strings.HasPrefix(target, "postgresql://")
}

// Open opens (creating and migrating as needed) the store at target: a
// postgres:// URL or a SQLite file path.
func Open(ctx context.Context, target string) (Store, error) {
	if target == "" {
		return nil, errors.New("open history store: no path given")
	}
	if IsPostgres(target) {
		return openPostgres(ctx, target)
	}
	return openSQLite(ctx, target)
}

// Env looks up an environment variable; os.LookupEnv in production, a map in
// tests, so no test ever resolves the real default path.
type Env func(string) (string, bool)

// DefaultPath is where the store lives when --history is not given. A
// service (systemd sets $STATE_DIRECTORY; root without $HOME is a cron or
// init job) writes to /var/lib/mfpscan; a user to $XDG_STATE_HOME/mfpscan,
// falling back to ~/.local/state/mfpscan as the XDG spec says.
func DefaultPath(env Env, uid int) (string, error) {
	if dir, ok := env("STATE_DIRECTORY"); ok && dir != "" {
		// systemd may pass several directories separated by colons.
		first, _, _ := strings.Cut(dir, ":")
		return filepath.Join(first, "history.db"), nil
	}
	home, hasHome := env("HOME")
	if uid == 0 && (!hasHome || home == "" || home == "/") {
		return "/var/lib/mfpscan/history.db", nil
	}
	if xdg, ok := env("XDG_STATE_HOME"); ok && filepath.IsAbs(xdg) {
		return filepath.Join(xdg, "mfpscan", "history.db"), nil
	}
	if home == "" {
		return "", errors.New("find history store: neither $XDG_STATE_HOME nor $HOME is set; use --history PATH or --no-history")
	}
	return filepath.Join(home, ".local", "state", "mfpscan", "history.db"), nil
}

// ParseAge reads "90d", "12h", "2w" (time.ParseDuration plus days and weeks).
func ParseAge(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	mult := time.Duration(0)
	switch {
	case strings.HasSuffix(s, "d"):
		mult = 24 * time.Hour
	case strings.HasSuffix(s, "w"):
		mult = 7 * 24 * time.Hour
	}
	if mult != 0 {
		var n int
		if _, err := fmt.Sscanf(s[:len(s)-1], "%d", &n); err != nil || n < 0 || fmt.Sprint(n) != s[:len(s)-1] {
			return 0, fmt.Errorf("parse age %q: want e.g. 90d, 2w, 12h", s)
		}
		// A duration holds about 292 years; more days would wrap around.
		if time.Duration(n) > math.MaxInt64/mult {
			return 0, fmt.Errorf("parse age %q: longer than a duration can hold", s)
		}
		return time.Duration(n) * mult, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("parse age %q: want e.g. 90d, 2w, 12h", s)
	}
	return d, nil
}
