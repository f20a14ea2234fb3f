package cliconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mfpscan/mfpscan/internal/usage"
)

// tree is a small command tree shaped like mfpscan's: a root persistent
// flag, shared flags in two commands, a local flag, a group with a
// persistent flag and a secret.
type tree struct {
	root               *cobra.Command
	scan, discover, gl *cobra.Command
	level              string
	rate, drate        float64
	timeout            time.Duration
	ports              []string
	policy             []string
	json               bool
	format             string
	limit              int
	store              string
	configFile         string
}

func newTree() *tree {
	tr := &tree{}
	noop := func(*cobra.Command, []string) error { return nil }
	tr.root = &cobra.Command{Use: "prog"}
	tr.root.PersistentFlags().StringVar(&tr.level, "log-level", "warn", "")
	tr.root.PersistentFlags().StringVar(&tr.configFile, "config", "", "")
	NoKey(tr.root.PersistentFlags(), "config")
	tr.scan = &cobra.Command{Use: "scan", RunE: noop}
	Shared(tr.scan.Flags(), func(fs *pflag.FlagSet) {
		fs.Float64Var(&tr.rate, "rate", 5000, "")
		fs.DurationVar(&tr.timeout, "timeout", time.Second, "")
		fs.StringSliceVar(&tr.ports, "ports", []string{"80"}, "")
		fs.StringArrayVar(&tr.policy, "policy", nil, "")
		fs.StringVar(&tr.store, "history", "", "")
		SetKey(fs, "history", "history-store")
		Secret(fs, "history")
	})
	tr.discover = &cobra.Command{Use: "discover", RunE: noop}
	Shared(tr.discover.Flags(), func(fs *pflag.FlagSet) { fs.Float64Var(&tr.drate, "rate", 5000, "") })
	tr.discover.Flags().BoolVar(&tr.json, "json", false, "")
	group := &cobra.Command{Use: "history"}
	group.PersistentFlags().StringVar(&tr.format, "format", "table", "")
	tr.gl = &cobra.Command{Use: "runs", RunE: noop}
	tr.gl.Flags().IntVar(&tr.limit, "limit", 0, "")
	group.AddCommand(tr.gl)
	tr.root.AddCommand(tr.scan, tr.discover, group)
	return tr
}

// testEnv is a test environment: vars, a system file and a user config dir,
// all under the test's temp directory.
type testEnv struct {
	vars   []string
	system string
	user   string // the user config dir
}

func newEnv(t *testing.T) *testEnv {
	d := t.TempDir()
	return &testEnv{system: filepath.Join(d, "etc", "config.yaml"), user: filepath.Join(d, "home")}
}

func (e *testEnv) Env() Env {
	return Env{
		Environ:       func() []string { return e.vars },
		SystemFile:    e.system,
		UserConfigDir: func() (string, error) { return e.user, nil },
	}
}

func write(t *testing.T, path, body string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// run parses args into the tree, loads the configuration and applies it to
// the command args name.
func (e *testEnv) run(t *testing.T, args ...string) (*tree, map[string]Setting, error) {
	t.Helper()
	tr := newTree()
	cmd, rest, err := tr.root.Find(args)
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.ParseFlags(rest); err != nil {
		t.Fatal(err)
	}
	var explicit *string
	if cmd.Flags().Changed("config") {
		explicit = &tr.configFile
	}
	cfg, err := Load(NewSchema(tr.root), e.Env(), explicit)
	if err == nil {
		err = cfg.Validate(newTree().root)
	}
	if err != nil {
		return tr, nil, err
	}
	settings, err := cfg.Apply(cmd)
	m := map[string]Setting{}
	for _, s := range settings {
		m[s.Flag.Name] = s
	}
	return tr, m, err
}

// mustRun is run for a configuration that must load.
func (e *testEnv) mustRun(t *testing.T, args ...string) (*tree, map[string]Setting) {
	t.Helper()
	tr, s, err := e.run(t, args...)
	if err != nil {
		t.Fatal(err)
	}
	return tr, s
}

func TestPrecedenceFlagEnvFileDefault(t *testing.T) {
	e := newEnv(t)
	write(t, e.system, "rate: 10\ntimeout: 3s\nports: [1, 2]\nlog-level: info\nscan:\n  rate: 20\n")
	write(t, filepath.Join(e.user, "mfpscan", "config.yaml"), "timeout: 4s\n")
	e.vars = []string{"MFPSCAN_LOG_LEVEL=debug", "MFPSCAN_SCAN_TIMEOUT=bad-but-unused-by-discover", "MFPSCAN_UNRELATED=1"}

	// scan: its section beats the top level within the system file; the
	// user file beats the system file; the environment beats both; the
	// command line beats everything.
	_, _, err := e.run(t, "scan", "--rate", "30")
	if err == nil || !strings.Contains(err.Error(), "MFPSCAN_SCAN_TIMEOUT") || !usage.Is(err) {
		t.Fatalf("bad MFPSCAN_SCAN_TIMEOUT: err = %v, want a usage error naming the variable", err)
	}
	e.vars = []string{"MFPSCAN_LOG_LEVEL=debug", "MFPSCAN_UNRELATED=1"}
	tr, s := e.mustRun(t, "scan", "--rate", "30")
	if tr.rate != 30 || s["rate"].Origin != "flag" {
		t.Errorf("rate = %v from %s, want 30 from the flag", tr.rate, s["rate"].Origin)
	}
	if tr.timeout != 4*time.Second || !strings.HasSuffix(s["timeout"].Origin, filepath.Join("home", "mfpscan", "config.yaml")) {
		t.Errorf("timeout = %v from %s, want 4s from the user file", tr.timeout, s["timeout"].Origin)
	}
	if tr.level != "debug" || s["log-level"].Origin != "env MFPSCAN_LOG_LEVEL" {
		t.Errorf("log-level = %q from %s, want debug from the environment", tr.level, s["log-level"].Origin)
	}
	if strings.Join(tr.ports, ",") != "1,2" || !tr.scan.Flags().Changed("ports") {
		t.Errorf("ports = %v (changed %v), want [1 2] from the file, marked changed", tr.ports, tr.scan.Flags().Changed("ports"))
	}
	if tr.policy != nil || s["policy"].Origin != "default" {
		t.Errorf("policy = %v from %s, want the default", tr.policy, s["policy"].Origin)
	}

	tr, s = e.mustRun(t, "scan")
	if tr.rate != 20 || s["rate"].Key != "scan.rate" {
		t.Errorf("scan rate = %v (key %s), want 20 from scan.rate", tr.rate, s["rate"].Key)
	}
	// discover has no section in the file: the top-level key serves it.
	tr, s = e.mustRun(t, "discover")
	if tr.drate != 10 || s["rate"].Key != "rate" {
		t.Errorf("discover rate = %v (key %s), want 10 from rate", tr.drate, s["rate"].Key)
	}
}

func TestInheritedFlagUnderItsOwnersSection(t *testing.T) {
	e := newEnv(t)
	write(t, e.system, "history:\n  format: json\n  runs:\n    limit: 3\n")
	tr, _ := e.mustRun(t, "history", "runs")
	if tr.format != "json" || tr.limit != 3 {
		t.Errorf("format %q limit %d, want json 3", tr.format, tr.limit)
	}
	e.vars = []string{"MFPSCAN_HISTORY_RUNS_LIMIT=9"}
	if tr, _ = e.mustRun(t, "history", "runs"); tr.limit != 9 {
		t.Errorf("limit %d, want 9 from MFPSCAN_HISTORY_RUNS_LIMIT", tr.limit)
	}
}

func TestBadFilesAreUsageErrorsNamingFileAndKey(t *testing.T) {
	cases := map[string]struct{ body, want string }{
		"unknown key":        {"rat: 5\n", "unknown key rat"},
		"misplaced key":      {"discover:\n  timeout: 1s\n", "unknown key discover.timeout (known: scan.timeout, timeout)"},
		"wrong type":         {"scan:\n  rate: fast\n", `key scan.rate: "fast" is not a valid float64`},
		"mapping for scalar": {"rate:\n  x: 1\n", "key rate: want a float64, got a mapping"},
		"list for scalar":    {"timeout: [1s]\n", "key timeout: want a duration, got a list"},
		"number for dur":     {"timeout: 5\n", `key timeout: "5" is not a valid duration`},
		"yes is no bool":     {"discover:\n  json: yes\n", `key discover.json: "yes" is not a valid bool`},
		"date":               {"scan:\n  policy: 2026-01-01\n", "key scan.policy: want a stringArray, got time.Time"},
		"not a mapping":      {"- rate\n", "config file"},
		"secret twice":       {"history-store: a\nhistory-store-file: b\n", "give history-store or history-store-file, not both"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			path := write(t, filepath.Join(t.TempDir(), "c.yaml"), c.body)
			_, _, err := e.run(t, "scan", "--config", path)
			if err == nil || !usage.Is(err) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("err = %v, want a usage error naming %s and containing %q", err, path, c.want)
			}
		})
	}
}

func TestSectionsMayBeEmptyAndNullIsUnset(t *testing.T) {
	e := newEnv(t)
	write(t, e.system, "scan:\nhistory: {}\nrate: ~\n")
	tr, s := e.mustRun(t, "scan")
	if tr.rate != 5000 || s["rate"].Origin != "default" {
		t.Errorf("rate %v from %s, want the default", tr.rate, s["rate"].Origin)
	}
}

func TestSchemaCheckFindsCollisions(t *testing.T) {
	tr := newTree()
	if err := NewSchema(tr.root).Check(EnvConfig); err != nil {
		t.Fatalf("test tree: %v", err)
	}
	// A shared flag named like a command section: a YAML key cannot be a
	// value and a section at once.
	Shared(tr.discover.Flags(), func(fs *pflag.FlagSet) { fs.Bool("history", false, "") })
	if err := NewSchema(tr.root).Check(); err == nil {
		t.Error("a shared key equal to a section passed the check")
	}
	tr = newTree()
	Shared(tr.discover.Flags(), func(fs *pflag.FlagSet) { fs.String("config", "", "") })
	if err := NewSchema(tr.root).Check(EnvConfig); err == nil || !strings.Contains(err.Error(), EnvConfig) {
		t.Errorf("a key on a reserved variable: %v", err)
	}
}
