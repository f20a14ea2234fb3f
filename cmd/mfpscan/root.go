package main

import (
	"errors"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/mfpscan/mfpscan/internal/buildinfo"
	"github.com/mfpscan/mfpscan/pipeline"
)

type globalFlags struct {
	logLevel string
	quiet    bool
}

func newRootCommand() *cobra.Command {
	g := &globalFlags{}
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
			return checkFiniteFlags(cmd.Flags())
		},
	}
	root.PersistentFlags().StringVar(&g.logLevel, "log-level", "warn", "log level: debug, info, warn, error")
	root.PersistentFlags().BoolVarP(&g.quiet, "quiet", "q", false, "print nothing but results and errors")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return flagError{err}
	})
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
		newVersionCommand(),
	)
	return root
}

// flagError marks cobra's own flag parsing errors as usage errors.
type flagError struct{ err error }

func (e flagError) Error() string { return e.err.Error() }
func (e flagError) Unwrap() error { return e.err }

func isFlagError(err error) bool {
	var fe flagError
	if errors.As(err, &fe) {
		return true
	}
	// cobra reports unknown commands and wrong argument counts as plain errors.
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command") || strings.Contains(msg, "arg(s)") || strings.HasPrefix(msg, "requires at least")
}

func (g *globalFlags) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(g.logLevel)); err != nil {
		return nil, pipeline.UsageError("unknown --log-level %q (valid: debug, info, warn, error)", g.logLevel)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})), nil
}

// interactive reports whether a progress bar makes sense on w.
func (g *globalFlags) interactive(w *os.File) bool {
	return !g.quiet && term.IsTerminal(int(w.Fd()))
}
