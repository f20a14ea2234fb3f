package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mfpscan/mfpscan/history"
	"github.com/mfpscan/mfpscan/internal/cliconfig"
	"github.com/mfpscan/mfpscan/pipeline"
)

// historyFlags choose the history store of scan, eval and demo.
type historyFlags struct {
	target string
	off    bool
}

func (f *historyFlags) register(fs *pflag.FlagSet) {
	registerHistoryStore(fs, &f.target, "history store: SQLite file or postgres://… URL (default $XDG_STATE_HOME/mfpscan/history.db; $STATE_DIRECTORY/history.db under systemd)")
	fs.BoolVar(&f.off, "no-history", false, "record nothing in the history store")
}

// registerHistoryStore adds --history. Its config key is history-store, as
// "history" is the history command's section; a postgres:// URL may hold a
// password, so it is a secret (history-store-file reads it from a file).
func registerHistoryStore(fs *pflag.FlagSet, target *string, usage string) {
	cliconfig.Shared(fs, func(fs *pflag.FlagSet) {
		fs.StringVar(target, "history", "", usage)
		cliconfig.SetKey(fs, "history", "history-store")
		cliconfig.Secret(fs, "history")
	})
}

func (f *historyFlags) apply(cfg *pipeline.Config) error {
	if f.off {
		if f.target != "" {
			return pipeline.Usagef("--history and --no-history exclude each other")
		}
		cfg.History = ""
		return nil
	}
	t, err := f.resolve()
	if err != nil {
		return err
	}
	cfg.History = t
	return nil
}

// resolve returns the store to use: --history, else the default path.
func (f *historyFlags) resolve() (string, error) {
	if f.target != "" {
		return f.target, nil
	}
	p, err := history.DefaultPath(os.LookupEnv, os.Geteuid())
	if err != nil {
		return "", pipeline.Usagef("%v", err)
	}
	return p, nil
}

func newHistoryCommand(g *globalFlags) *cobra.Command {
	var hf historyFlags
	var format string
	cmd := &cobra.Command{
		Use:   "history",
		Short: "Query the history of past runs: runs, device timelines, trends",
		Long: `Every scan, eval and demo is recorded in the history store unless --no-history
is given: $XDG_STATE_HOME/mfpscan/history.db (~/.local/state/mfpscan/history.db),
$STATE_DIRECTORY/history.db under systemd, /var/lib/mfpscan/history.db for root
without a home. --history PATH or --history postgres://… chooses another store.`,
	}
	registerHistoryStore(cmd.PersistentFlags(), &hf.target, "history store: SQLite file or postgres://… URL (default: the state path above)")
	cmd.PersistentFlags().StringVar(&format, "format", "table", "output: table, json, csv")
	open := func(ctx context.Context) (history.Store, error) {
		switch format {
		case "table", "json", "csv":
		default:
			return nil, pipeline.Usagef("unknown --format %q (valid: table, json, csv)", format)
		}
		t, err := hf.resolve()
		if err != nil {
			return nil, err
		}
		if !history.IsPostgres(t) {
			if _, err := os.Stat(t); err != nil {
				return nil, pipeline.Usagef("no history store at %s (run a scan first, or give --history): %v", t, err)
			}
		}
		return history.Open(ctx, t)
	}
	out := func(cmd *cobra.Command, v any, header []string, rows [][]string) error {
		return writeTable(cmd.OutOrStdout(), format, v, header, rows)
	}

	var limit int
	runs := &cobra.Command{
		Use: "runs", Short: "List recorded runs, newest first", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rs, err := fromStore(cmd.Context(), open, func(s history.Store) ([]history.RunSummary, error) { return s.Runs(cmd.Context(), limit) })
			if err != nil {
				return err
			}
			rows := make([][]string, 0, len(rs))
			for _, r := range rs {
				rows = append(rows, []string{strconv.FormatInt(r.ID, 10), r.Site, stamp(r.StartedAt), stamp(r.FinishedAt), r.State,
					strconv.Itoa(r.ExitStatus), strconv.Itoa(r.Devices), strconv.Itoa(r.Failed), r.ToolVersion, r.CatalogueVersion, strings.Join(r.Targets, " ")})
			}
			return out(cmd, rs, []string{"ID", "SITE", "STARTED", "FINISHED", "STATE", "EXIT", "DEVICES", "FAILED", "VERSION", "CATALOGUE", "TARGETS"}, rows)
		},
	}
	runs.Flags().IntVar(&limit, "limit", 0, "show at most N runs (0: all)")

	device := &cobra.Command{
		Use: "device ID|ADDRESS", Short: "Timeline of one device: sightings, address, identity and firmware changes", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			tl, err := fromStore(cmd.Context(), open, func(s history.Store) (*history.Timeline, error) { return s.Device(cmd.Context(), args[0]) })
			if err != nil {
				return err
			}
			var rows [][]string
			for _, e := range tl.Events {
				rows = append(rows, []string{stamp(e.At), strconv.FormatInt(e.RunID, 10), e.Kind, e.Old, e.New, "", "", ""})
			}
			for _, r := range tl.Runs {
				rows = append(rows, []string{stamp(r.At), strconv.FormatInt(r.RunID, 10), "seen", "", r.Address, strconv.Itoa(r.Failed), strconv.Itoa(r.Review), strconv.Itoa(r.Passed)})
			}
			if format == "table" {
				w := cmd.OutOrStdout()
				fmt.Fprintf(w, "%s  %s %s serial %s firmware %s\nfirst seen %s, last seen %s at %s\n\n", tl.ID, tl.Vendor, tl.Model, tl.Serial, tl.Firmware, stamp(tl.FirstSeen), stamp(tl.LastSeen), tl.Address)
			}
			return out(cmd, tl, []string{"AT", "RUN", "EVENT", "OLD", "NEW/ADDRESS", "FAILED", "REVIEW", "PASSED"}, rows)
		},
	}

	var by, since, site string
	trend := &cobra.Command{
		Use: "trend", Short: "Failed, passed and review results per run, grouped", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			q := history.TrendQuery{By: by, Site: site}
			if since != "" {
				d, err := history.ParseAge(since)
				if err != nil {
					return pipeline.Usagef("--since: %v", err)
				}
				q.Since = time.Now().Add(-d)
			}
			switch by {
			case "severity", "key-point", "rule", "site":
			default:
				return pipeline.Usagef("unknown --by %q (valid: severity, key-point, rule, site)", by)
			}
			pts, err := fromStore(cmd.Context(), open, func(s history.Store) ([]history.TrendPoint, error) { return s.Trend(cmd.Context(), q) })
			if err != nil {
				return err
			}
			rows := make([][]string, 0, len(pts))
			for _, p := range pts {
				rows = append(rows, []string{strconv.FormatInt(p.RunID, 10), stamp(p.StartedAt), p.Site, p.Key, strconv.Itoa(p.Failed), strconv.Itoa(p.Passed), strconv.Itoa(p.Review)})
			}
			return out(cmd, pts, []string{"RUN", "STARTED", "SITE", strings.ToUpper(by), "FAILED", "PASSED", "REVIEW"}, rows)
		},
	}
	trend.Flags().StringVar(&by, "by", "severity", "group by: severity, key-point, rule, site")
	trend.Flags().StringVar(&since, "since", "", "only runs newer than this age, e.g. 90d, 2w, 12h")
	trend.Flags().StringVar(&site, "site", "", "only this site")

	var mttrSince, mttrSite string
	mttr := &cobra.Command{
		Use:   "mttr",
		Short: "Mean time to remediate per severity, and the findings still open",
		Long: `A finding opens at the first run in which a rule fails on a device and is fixed
at the first later run that sees the device with the rule passing or not
applicable. Review, error and waived results keep it open; a device no longer
seen never fixes it (counted as "on vanished devices"). MTTR is the mean time
from the opening run's start to the fixing run's start, over the findings fixed
since --since; open findings' ages are measured up to now.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			q := history.MTTRQuery{Site: mttrSite, AsOf: time.Now()}
			if mttrSince != "" {
				d, err := history.ParseAge(mttrSince)
				if err != nil {
					return pipeline.Usagef("--since: %v", err)
				}
				q.Since = q.AsOf.Add(-d)
			}
			ms, err := fromStore(cmd.Context(), open, func(s history.Store) ([]history.MTTR, error) { return s.MTTR(cmd.Context(), q) })
			if err != nil {
				return err
			}
			header := []string{"SEVERITY", "FIXED", "MTTR", "OPEN", "MEAN OPEN AGE", "OLDEST OPEN", "ON VANISHED DEVICES"}
			if format == "csv" {
				header = []string{"severity", "fixed", "mttr_seconds", "open", "open_mean_age_seconds", "open_oldest_age_seconds", "open_on_vanished_devices"}
			}
			return out(cmd, ms, header, mttrRows(ms, format))
		},
	}
	mttr.Flags().StringVar(&mttrSince, "since", "", "only findings fixed within this age, e.g. 90d, 2w (open ones are always shown)")
	mttr.Flags().StringVar(&mttrSite, "site", "", "only findings opened at this site")

	var keep int
	var olderThan string
	prune := &cobra.Command{
		Use: "prune", Short: "Delete old runs: --keep N per site and/or --older-than D", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := history.PruneOptions{Keep: keep}
			if olderThan != "" {
				d, err := history.ParseAge(olderThan)
				if err != nil {
					return pipeline.Usagef("--older-than: %v", err)
				}
				o.OlderThan = time.Now().Add(-d)
			}
			if o.Keep < 0 || (o.Keep == 0 && o.OlderThan.IsZero()) {
				return pipeline.Usagef("give --keep N (N ≥ 1) or --older-than D")
			}
			// A scheduled job prunes before its first scan ever wrote a
			// store: nothing to delete is not an error there.
			if t, err := hf.resolve(); err == nil && !history.IsPostgres(t) {
				if _, err := os.Stat(t); errors.Is(err, fs.ErrNotExist) {
					_, err = fmt.Fprintf(cmd.OutOrStdout(), "no history store at %s yet: deleted 0 run(s)\n", t)
					return err
				}
			}
			n, err := fromStore(cmd.Context(), open, func(s history.Store) (int, error) { return s.Prune(cmd.Context(), o) })
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "deleted %d run(s)\n", n)
			return err
		},
	}
	prune.Flags().IntVar(&keep, "keep", 0, "keep the newest N runs of each site")
	prune.Flags().StringVar(&olderThan, "older-than", "", "delete runs started longer ago than this, e.g. 180d")

	var importSite string
	imp := &cobra.Command{
		Use: "import DIR...", Short: "Record existing report directories (findings.json + facts/)", Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := hf.resolve()
			if err != nil {
				return err
			}
			cfg := pipeline.Config{History: t, Site: importSite}
			if err := commonSetup(cmd, g, &cfg); err != nil {
				return err
			}
			n, err := pipeline.ImportHistory(cmd.Context(), cfg, args)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "imported %d run(s) into %s\n", n, t)
			return err
		},
	}
	imp.Flags().StringVar(&importSite, "site", "default", "site the imported runs belong to")

	cmd.AddCommand(runs, device, trend, mttr, prune, imp)
	return cmd
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// fromStore opens the store, runs one query on it and closes it.
func fromStore[T any](ctx context.Context, open func(context.Context) (history.Store, error), query func(history.Store) (T, error)) (T, error) {
	s, err := open(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	defer s.Close()
	return query(s)
}

// mttrRows gives durations as 3d 4h in a table and in seconds in CSV; no
// finding gives "-", not a zero that reads as instant remediation.
func mttrRows(ms []history.MTTR, format string) [][]string {
	age := func(n int, d time.Duration) string {
		switch {
		case n == 0:
			return "-"
		case format == "csv":
			return strconv.FormatFloat(d.Seconds(), 'f', 0, 64)
		}
		return history.FormatAge(d)
	}
	rows := make([][]string, 0, len(ms))
	for _, m := range ms {
		rows = append(rows, []string{m.Severity, strconv.Itoa(m.Fixed), age(m.Fixed, m.Mean), strconv.Itoa(m.Open),
			age(m.Open, m.OpenMean), age(m.Open, m.OpenOldest), strconv.Itoa(m.Vanished)})
	}
	return rows
}

func writeTable(w io.Writer, format string, v any, header []string, rows [][]string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write(header)
		_ = cw.WriteAll(rows)
		return cw.Error()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}
