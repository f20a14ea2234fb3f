package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mfpscan/mfpscan/internal/cliconfig"
	"github.com/mfpscan/mfpscan/pipeline"
	"github.com/mfpscan/mfpscan/reports"
)

func newReportCommand(g *globalFlags) *cobra.Command {
	var from, out, site, baseline string
	var render renderFlags
	cmd := &cobra.Command{
		Use:   "report --from DIR",
		Short: "Re-render the reports of a finished run (no network, no re-evaluation)",
		Example: `  mfpscan report --from ./mfpscan-report --format html,markdown
  mfpscan report --from ./run-2026-03-01 --out ./for-github --format sarif --site hq --sarif-omit-suppressed`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := g.logger(cmd.ErrOrStderr()); err != nil {
				return err
			}
			if strings.TrimSpace(from) == "" {
				return pipeline.Usagef("--from is required: the output directory of an earlier scan or eval")
			}
			if cmd.Flags().Changed("out") {
				if err := pipeline.CheckOutDir(out); err != nil {
					return err
				}
			} else {
				out = from
			}
			fs, err := pipeline.ParseFormats(render.formats, reports.Formats())
			if err != nil {
				return err
			}
			if err := checkSite(site); err != nil {
				return err
			}
			opts := reports.RerenderOptions{Site: site, SARIF: reports.SARIFOptions{OmitSuppressed: render.omitSuppressed}, Progress: g.deviceBar(cmd, "writing")}
			if baseline != "" {
				b, err := pipeline.ReadBaseline(baseline)
				if err != nil {
					return err
				}
				defer b.Close()
				opts.SARIF.Baseline = b
			}
			return reports.Rerender(cmd.Context(), from, out, fs, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "", "output directory of an earlier run (findings.json and facts/)")
	f.StringVarP(&out, "out", "o", "", "where to write the reports (default: the --from directory)")
	f.StringVar(&baseline, "baseline", "", "previous results.sarif: mark results new / unchanged / updated / absent")
	cliconfig.Shared(f, func(f *pflag.FlagSet) {
		render.register(f)
		registerSite(f, &site)
	})
	return cmd
}

func newDiffCommand(g *globalFlags) *cobra.Command {
	var format string
	var failOnNew bool
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Compare two runs' findings: new, fixed and changed, keyed on device identity",
		Long: `Compares two findings.json files (or the output directories holding them).
Results are matched on rule id and device id, not address, so a printer that
moved to another address keeps its findings. Failures of devices the new run
did not reach are listed as unseen, not fixed.`,
		Example: `  mfpscan diff runs/2026-02-01 runs/2026-03-01
  mfpscan diff old/findings.json new/findings.json --format markdown >> "$GITHUB_STEP_SUMMARY"`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := g.logger(cmd.ErrOrStderr()); err != nil {
				return err
			}
			if !validDiffFormat(format) {
				return pipeline.Usagef("unknown --format %q (valid: %s)", format, strings.Join(reports.DiffFormats(), ", "))
			}
			prev, err := reports.LoadFindings(args[0])
			if err != nil {
				return err
			}
			cur, err := reports.LoadFindings(args[1])
			if err != nil {
				return err
			}
			d := reports.Diff(prev, cur)
			if err := reports.WriteDiff(cmd.OutOrStdout(), d, format); err != nil {
				return fmt.Errorf("print diff: %w", err)
			}
			if failOnNew && len(d.New) > 0 {
				return &pipeline.FindingsError{Threshold: "new", Count: len(d.New)}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: "+strings.Join(reports.DiffFormats(), ", "))
	cmd.Flags().BoolVar(&failOnNew, "fail-on-new", false, "exit 1 when the new run has failures the old one did not")
	return cmd
}

func validDiffFormat(f string) bool {
	for _, v := range reports.DiffFormats() {
		if f == v {
			return true
		}
	}
	return false
}
