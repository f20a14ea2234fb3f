package main

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/mfpscan/mfpscan/internal/buildinfo"
	"github.com/mfpscan/mfpscan/internal/cliconfig"
	"github.com/mfpscan/mfpscan/pipeline"
)

type globalFlags struct {
	logLevel string
	quiet    bool
	config   *configState
}

// newRootCommand is the command tree without any configuration source: no
// config file, no environment variable. Tests build it; main uses
// newRootCommandWith(osConfigEnv()).
func newRootCommand() *cobra.Command { return newRootCommandWith(cliconfig.Env{}) }

// newRootCommandWith is the command tree reading its configuration from env.
func newRootCommandWith(env cliconfig.Env) *cobra.Command {
	cs := &configState{env: env}
	g := &globalFlags{config: cs}
	pipeline.Version = buildinfo.Read().Version
	root := &cobra.Command{
		Use:   "mfpscan",
		Short: "Agentless security scanner for office multifunction printers",
		Long: `mfpscan sweeps networks for multifunction printers (Canon first, other vendors
recognised), collects facts about each device (ports, TLS, SNMP, Remote UI login,
firmware advisories), evaluates Rego policies mapped to Canon's security guide,
and writes SARIF, HTML and JSON findings.

It is read-only towards devices: no SNMP SET, no setting changes, no print jobs;
default-credential checks only with --check-default-credentials.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// Runs before every subcommand, ahead of any input or network.
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := cs.load(cmd); err != nil {
				return err
			}
			return checkFiniteFlags(cmd.Flags())
		},
	}
	root.PersistentFlags().StringVar(&g.logLevel, "log-level", "warn", "log level: debug, info, warn, error")
	root.PersistentFlags().BoolVarP(&g.quiet, "quiet", "q", false, "print nothing but results and errors")
	cs.register(root)
	root.AddCommand(
		newScanCommand(g),
		newDiscoverCommand(g),
		newEvalCommand(g),
		newPolicyCommand(g),
		newAdvisoriesCommand(),
		newLabCommand(g),
		newDemoCommand(g),
		newReportCommand(g),
		newDiffCommand(g),
		newMergeCommand(g),
		newHistoryCommand(g),
		newVersionCommand(),
		newConfigCommand(cs),
	)
	setVersionFlag(root)
	usageErrors(root)
	return root
}

// setVersionFlag gives root --version, printing what `mfpscan version` prints.
func setVersionFlag(root *cobra.Command) {
	var b bytes.Buffer
	if err := writeVersion(&b, buildinfo.Read(), false); err != nil {
		b.WriteString("mfpscan " + buildinfo.Read().Version + "\n")
	}
	root.Version = b.String()
	root.SetVersionTemplate("{{.Version}}")
	root.InitDefaultVersionFlag()
	cliconfig.NoKey(root.Flags(), "version")
}

// usageErrors makes every refusal of cobra's a *pipeline.UsageError, so
// exit code 2 follows from the error's type and no message is matched: flag
// errors through SetFlagErrorFunc, argument counts by wrapping each
// command's Args, and unknown commands by groupCommand.
func usageErrors(cmd *cobra.Command) {
	if !cmd.HasParent() {
		// Subcommands inherit the root's flag error function.
		cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return pipeline.Usage(err) })
	}
	if check := cmd.Args; check != nil {
		cmd.Args = func(c *cobra.Command, args []string) error { return pipeline.Usage(check(c, args)) }
	}
	if cmd.HasSubCommands() && cmd.Run == nil && cmd.RunE == nil {
		groupCommand(cmd)
	}
	for _, sub := range cmd.Commands() {
		usageErrors(sub)
	}
}

// groupCommand makes a command that only groups others refuse an unknown
// subcommand as a usage error (cobra would print help and exit 0 for
// "policy lsit", and return an untyped error for "mfpscan sacn"); with no
// argument it prints its help.
func groupCommand(cmd *cobra.Command) {
	cmd.Args = cobra.ArbitraryArgs
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's own default
	}
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return c.Help()
		}
		msg := fmt.Sprintf("unknown command %q for %q", args[0], c.CommandPath())
		if s := c.SuggestionsFor(args[0]); len(s) > 0 {
			msg += fmt.Sprintf(" (did you mean %s?)", strings.Join(s, ", "))
		}
		return pipeline.Usagef("%s", msg)
	}
}

func (g *globalFlags) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(g.logLevel)); err != nil {
		return nil, pipeline.Usagef("unknown --log-level %q (valid: debug, info, warn, error)", g.logLevel)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})), nil
}

// interactive reports whether a progress bar makes sense on w.
func (g *globalFlags) interactive(w *os.File) bool {
	return !g.quiet && term.IsTerminal(int(w.Fd()))
}

// deviceBar is a progress bar of devices written on the command's standard
// error when that is a terminal and the run is not --quiet; nil otherwise.
func (g *globalFlags) deviceBar(cmd *cobra.Command, what string) func(done, total int) {
	f, ok := cmd.ErrOrStderr().(*os.File)
	if !ok || !g.interactive(f) {
		return nil
	}
	return pipeline.DeviceBar(f, what)
}
