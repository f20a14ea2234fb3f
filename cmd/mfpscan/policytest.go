package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/mfpscan/mfpscan/pipeline"
	"github.com/mfpscan/mfpscan/policies"
)

func newPolicyTestCommand() *cobra.Command {
	var opts policies.TestOptions
	cmd := &cobra.Command{
		Use:   "test PATH...",
		Short: "Run the *_test.rego unit tests of an organisation's rules",
		Example: `  mfpscan policy test ./our-rules
  mfpscan policy test ./our-rules --format junit > rego-tests.xml
  mfpscan policy test ./our-rules --coverage`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return pipeline.PolicyTestWith(cmd.Context(), cmd.OutOrStdout(), args, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "text", "report format: "+strings.Join(policies.TestFormats, ", "))
	cmd.Flags().BoolVar(&opts.Coverage, "coverage", false, "report per-rule coverage of the tested rules, as opa test --coverage")
	return cmd
}
