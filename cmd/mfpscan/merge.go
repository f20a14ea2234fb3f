package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/mfpscan/mfpscan/internal/cliconfig"
	"github.com/mfpscan/mfpscan/pipeline"
	"github.com/mfpscan/mfpscan/reports"
	"github.com/mfpscan/mfpscan/reports/merge"
)

func newMergeCommand(g *globalFlags) *cobra.Command {
	var out string
	var render renderFlags
	cmd := &cobra.Command{
		Use:   "merge RUN... --out DIR",
		Short: "Combine shard runs or runs of several sites into one set of reports (no network, no re-evaluation)",
		Long: `merge reads the output directories of finished scan or eval runs and writes one set of reports.

Each RUN is a report directory, or SITE=DIR to name its site; without a name the
site is read from the run's results.sarif (the --site it was scanned with).
Runs of one site (the shards of a sweep) must not overlap. With one site the
output is an ordinary report directory; with several, each site gets
DIR/sites/<site>/ and DIR/results.sarif holds one SARIF run per site, each with
its own category, so GitHub code scanning tracks every site's alerts apart.`,
		Example: `  mfpscan merge shard-0 shard-1 shard-2 shard-3 --out merged
  mfpscan merge hq=./hq-run branch=./branch-run --out fleet --format sarif,json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := g.logger(cmd.ErrOrStderr()); err != nil {
				return err
			}
			fs, err := pipeline.ParseFormats(render.formats, reports.Formats())
			if err != nil {
				return err
			}
			absOut, err := filepath.Abs(out)
			if err != nil {
				return pipeline.Usagef("--out %q: %v", out, err)
			}
			inputs := make([]merge.Input, 0, len(args))
			for _, a := range args {
				in := merge.ParseInput(a)
				if abs, err := filepath.Abs(in.Dir); err == nil && abs == absOut {
					return pipeline.Usagef("--out %s is also an input; merge into a new directory", out)
				}
				inputs = append(inputs, in)
			}
			res, err := merge.Merge(cmd.Context(), inputs, out, merge.Options{Formats: fs, SARIF: reports.SARIFOptions{OmitSuppressed: render.omitSuppressed}, Progress: g.deviceBar(cmd, "merging")})
			if err != nil {
				return err
			}
			devices := 0
			for _, n := range res.Devices {
				devices += n
			}
			fmt.Fprintf(cmd.OutOrStdout(), "merged %d run(s) of %d site(s), %d device(s) into %s\n", len(args), len(res.Sites), devices, out)
			if len(res.Sites) > merge.GitHubMaxRuns && res.CombinedSARIF != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: %d sites exceed the %d runs GitHub code scanning accepts in one upload; upload %s/sites/*/results.sarif one by one\n", len(res.Sites), merge.GitHubMaxRuns, out)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "out", "o", "./mfpscan-merged", "output directory (must not be one of the inputs)")
	cliconfig.Shared(f, render.register)
	return cmd
}
