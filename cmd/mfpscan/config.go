package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"

	"github.com/mfpscan/mfpscan/internal/cliconfig"
	"github.com/mfpscan/mfpscan/pipeline"
)

// osConfigEnv is where a real run finds its configuration.
func osConfigEnv() cliconfig.Env {
	return cliconfig.Env{Environ: os.Environ, SystemFile: cliconfig.SystemFile, UserConfigDir: os.UserConfigDir}
}

// configState is the configuration of the running command, loaded before
// it runs, for `config show`.
type configState struct {
	env      cliconfig.Env
	file     string // --config
	cfg      *cliconfig.Config
	settings []cliconfig.Setting // of the running command
}

func (s *configState) register(root *cobra.Command) {
	pf := root.PersistentFlags()
	pf.StringVar(&s.file, "config", "", `config file (default: `+cliconfig.SystemFile+`, then ~/.config/mfpscan/config.yaml; "" reads none; also `+cliconfig.EnvConfig+`)`)
	cliconfig.NoKey(pf, "config")
}

// load reads the configuration and sets the flags of cmd that its command
// line left alone. Every key of the files is checked against a second,
// untouched command tree, so a mistake under another command's key is
// refused too.
func (s *configState) load(cmd *cobra.Command) error {
	if cliconfig.Builtin(cmd) {
		return nil
	}
	var explicit *string
	if f := cmd.Flags().Lookup("config"); f != nil && f.Changed {
		explicit = &s.file
	}
	cfg, err := cliconfig.Load(cliconfig.NewSchema(cmd.Root()), s.env, explicit)
	if err != nil {
		return err
	}
	if err := cfg.Validate(newRootCommandWith(cliconfig.Env{})); err != nil {
		return err
	}
	settings, err := cfg.Apply(cmd)
	if err != nil {
		return err
	}
	s.cfg, s.settings = cfg, settings
	return nil
}

// log records at debug level which files were read and each value that
// came from the environment or a file, so a run's settings can be traced.
func (s *configState) log(log *slog.Logger) {
	if s == nil || s.cfg == nil {
		return
	}
	for _, f := range s.cfg.Files {
		log.Debug("config file", "path", f.Path, "chosen", f.Why, "read", f.Read, "note", f.Note)
	}
	for _, st := range s.settings {
		if st.Origin != "flag" && st.Origin != "default" {
			log.Debug("setting from config", "key", st.Key, "value", st.Value(), "from", st.Origin)
		}
	}
}

func newConfigCommand(s *configState) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Show the effective configuration and every config key",
		Long: `Every flag of every command can be set in a YAML config file and by an
environment variable; a flag on the command line wins over the environment,
which wins over the file, which wins over the built-in default.

Files: --config FILE, else $` + cliconfig.EnvConfig + `, else ` + cliconfig.SystemFile + ` and then
the user's ~/.config/mfpscan/config.yaml ($XDG_CONFIG_HOME), the second overriding
the first key by key. --config "" reads no file.

Keys: "scan.rate" sets --rate of scan (the command path, dots between, then the
flag's long name; --policy is "policies" and --history "history-store", as
"policy" and "history" are commands). Flags that mean the same in several
commands (sweep, report, metrics, signing, history and the global flags) also
have a top-level key ("rate", "site", "log-level") that serves every command
having them; a command's own key wins over the top-level one, and a group's
flag is set under the group ("history.format"). Secrets (--history URLs with a
password, --pushgateway URLs with credentials) also take KEY-file, a file
holding the value. Environment: MFPSCAN_ and the key in capitals with '.' and
'-' as '_' (MFPSCAN_RATE, MFPSCAN_SCAN_RATE, MFPSCAN_HISTORY_STORE_FILE); a
variable is read as the flag's command-line value would be, lists from a file
are YAML lists. An unknown key or a value of the wrong type is exit 2.`,
	}
	var format string
	show := &cobra.Command{
		Use:   "show [COMMAND...]",
		Short: "Print the effective settings of a command (default: scan), with where each came from",
		Example: `  mfpscan config show
  mfpscan config show history runs
  MFPSCAN_RATE=200 mfpscan config show discover
  mfpscan config show scan --format yaml > scan.yaml   # a config file of every scan setting`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"scan"}
			}
			// A tree of its own: this command's flags were set already.
			tree := newRootCommandWith(cliconfig.Env{})
			target, rest, err := tree.Find(args)
			if err != nil || len(rest) > 0 || target == tree {
				return pipeline.Usagef("unknown command %q", strings.Join(args, " "))
			}
			settings, err := s.cfg.Apply(target)
			if err != nil {
				return err
			}
			switch format {
			case "table":
				return writeSettings(cmd.OutOrStdout(), s.cfg, settings)
			case "yaml":
				return writeSettingsYAML(cmd.OutOrStdout(), settings)
			}
			return pipeline.Usagef("unknown --format %q (valid: table, yaml)", format)
		},
	}
	show.Flags().StringVar(&format, "format", "table", "table, or yaml: a config file of the command's settings (secrets left out)")
	keys := &cobra.Command{
		Use:   "keys",
		Short: "List every config key with its environment variable and type",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "KEY\tENVIRONMENT\tTYPE\tCOMMANDS")
			for _, k := range cliconfig.NewSchema(cmd.Root()).Sorted() {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", k.Key, k.Env, k.Type, commandList(k.Commands))
			}
			return tw.Flush()
		},
	}
	cmd.AddCommand(show, keys)
	return cmd
}

// commandList shortens "mfpscan scan, mfpscan eval" to "scan, eval".
func commandList(paths []string) string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = strings.Join(strings.Fields(p)[1:], " ")
		if out[i] == "" {
			return "every command"
		}
	}
	return strings.Join(out, ", ")
}

func writeSettings(w io.Writer, cfg *cliconfig.Config, settings []cliconfig.Setting) error {
	for _, f := range cfg.Files {
		state := f.Note
		if f.Read {
			state = "read"
		}
		fmt.Fprintf(w, "# config file %s (%s): %s\n", f.Path, f.Why, state)
	}
	if len(cfg.Files) == 0 {
		fmt.Fprintln(w, "# no config file")
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tSOURCE")
	for _, s := range settings {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Key, s.Value(), s.Origin)
	}
	return tw.Flush()
}

// writeSettingsYAML writes the settings as a config file: each under the key
// that set it, defaults under the command's own key. A secret that is set is
// left out: its redacted form would be a wrong value.
func writeSettingsYAML(w io.Writer, settings []cliconfig.Setting) error {
	root := map[string]any{}
	for _, st := range settings {
		if cliconfig.IsSecret(st.Flag) && st.Flag.Value.String() != "" {
			continue
		}
		m := root
		parts := strings.Split(st.Key, ".")
		for _, p := range parts[:len(parts)-1] {
			sub, ok := m[p].(map[string]any)
			if !ok {
				sub = map[string]any{}
				m[p] = sub
			}
			m = sub
		}
		m[parts[len(parts)-1]] = yamlValue(st)
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return fmt.Errorf("write yaml: %w", err)
	}
	return enc.Close()
}

// yamlValue is a setting as the YAML type its flag reads back.
func yamlValue(st cliconfig.Setting) any {
	if sv, ok := st.Flag.Value.(pflag.SliceValue); ok {
		return sv.GetSlice()
	}
	v := st.Value()
	var (
		n   any
		err error
	)
	switch st.Flag.Value.Type() {
	case "bool":
		n, err = strconv.ParseBool(v)
	case "int", "int64":
		n, err = strconv.ParseInt(v, 10, 64)
	case "uint64":
		n, err = strconv.ParseUint(v, 10, 64)
	case "float64":
		n, err = strconv.ParseFloat(v, 64)
	default:
		return v
	}
	if err != nil {
		return v
	}
	return n
}
