package main

import (
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mfpscan/mfpscan/collectors/advisories"
	"github.com/mfpscan/mfpscan/internal/cliconfig"
	"github.com/mfpscan/mfpscan/pipeline"
)

// evalFlags are the flags of the commands that evaluate policies and
// report with metrics: scan and eval.
type evalFlags struct {
	rf           reportFlags
	mf           metricsFlags
	bk           bundleKeyFlags
	attestations string
}

func (f *evalFlags) register(fs *pflag.FlagSet) {
	f.rf.register(fs)
	cliconfig.Shared(fs, func(fs *pflag.FlagSet) {
		f.mf.register(fs)
		f.bk.register(fs)
		fs.StringVar(&f.attestations, "attestations", "", "YAML or CSV of facts the network cannot show, keyed by address, CIDR or serial")
	})
}

// run validates the command's own flags (prepare), then these, and runs the
// stage; the metrics are written whatever its outcome.
func (f *evalFlags) run(cmd *cobra.Command, g *globalFlags, prepare func(*pipeline.Config) error, stage func(pipeline.Config) error) error {
	cfg := pipeline.Config{}
	if err := commonSetup(cmd, g, &cfg); err != nil {
		return err
	}
	if err := prepare(&cfg); err != nil {
		return err
	}
	if err := f.rf.apply(&cfg, pipeline.ReportFormats()); err != nil {
		return err
	}
	cfg.Attestations = f.attestations
	if err := f.bk.apply(&cfg); err != nil {
		return err
	}
	if err := f.mf.attach(&cfg); err != nil {
		return err
	}
	return f.mf.finish(cmd.Context(), cmd.ErrOrStderr(), stage(cfg))
}

func newScanCommand(g *globalFlags) *cobra.Command {
	var sf sweepFlags
	var cf collectFlags
	var ef evalFlags
	cmd := &cobra.Command{
		Use:   "scan TARGET...",
		Short: "Sweep, collect facts, evaluate policies and write reports",
		Example: `  mfpscan scan 10.0.0.0/24
  mfpscan scan 10.1.2.10-50 --exclude 10.1.2.20 --fail-on high --out ./report
  mfpscan scan @printers.txt --format sarif,html,json,csv --site hq --baseline old/results.sarif`,
		RunE: func(cmd *cobra.Command, args []string) error {
			prepare := func(cfg *pipeline.Config) error {
				if err := sf.apply(cfg, args); err != nil {
					return err
				}
				return cf.apply(cfg)
			}
			return ef.run(cmd, g, prepare, func(cfg pipeline.Config) error { return pipeline.Scan(cmd.Context(), cfg) })
		},
	}
	sf.register(cmd.Flags())
	cf.register(cmd.Flags())
	ef.register(cmd.Flags())
	return cmd
}

func newDiscoverCommand(g *globalFlags) *cobra.Command {
	var sf sweepFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "discover TARGET...",
		Short: "Find open MFP ports only (no collection, no policies)",
		Example: `  mfpscan discover 10.0.0.0/24
  mfpscan discover 10.0.0.0/24 --json | jq -r 'select(.port==443) | .address'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg := pipeline.Config{}
			if err := commonSetup(cmd, g, &cfg); err != nil {
				return err
			}
			if err := sf.apply(&cfg, args); err != nil {
				return err
			}
			return pipeline.Discover(cmd.Context(), cfg, asJSON)
		},
	}
	sf.register(cmd.Flags())
	cmd.Flags().BoolVar(&asJSON, "json", false, `one JSON object per line: {"address","port","protocol","state","service"}`)
	return cmd
}

func newEvalCommand(g *globalFlags) *cobra.Command {
	var ef evalFlags
	cmd := &cobra.Command{
		Use:     "eval FACTS...",
		Short:   "Evaluate saved facts files or directories (no network)",
		Example: `  mfpscan eval ./mfpscan-report/facts --out ./re-evaluated --policy ./our-rules`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			none := func(*pipeline.Config) error { return nil }
			return ef.run(cmd, g, none, func(cfg pipeline.Config) error { return pipeline.Eval(cmd.Context(), cfg, args) })
		},
	}
	ef.register(cmd.Flags())
	return cmd
}

func newPolicyCommand(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{Use: "policy", Short: "List the rule catalogue or test Rego rules"}
	var format string
	var src policySourceFlags
	list := &cobra.Command{
		Use:   "list",
		Short: "Print the rule catalogue (built-in and custom rules)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return pipeline.PolicyList(cmd.Context(), cmd.OutOrStdout(), src.policies, src.dataFiles, format)
		},
	}
	list.Flags().StringVar(&format, "format", "table", "table, json or markdown")
	cliconfig.Shared(list.Flags(), src.register)
	test := newPolicyTestCommand()
	cmd.AddCommand(list, test)
	return cmd
}

func newAdvisoriesCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "advisories", Short: "Show what the firmware advisory data covers"}
	var format, file string
	list := &cobra.Command{
		Use:   "list",
		Short: "List every advisory model line with its thresholds and CVEs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := advisories.Default()
			if file != "" {
				d, _, err = advisories.ReadFile(file)
				if err != nil {
					return pipeline.Usagef("--advisories: %v", err)
				}
			}
			if err != nil {
				return err
			}
			if format != "table" && format != "json" {
				return pipeline.Usagef("--format %q: want table or json", format)
			}
			return d.WriteCoverage(cmd.OutOrStdout(), format)
		},
	}
	list.Flags().StringVar(&format, "format", "table", "table or json")
	list.Flags().StringVar(&file, "advisories", "", "advisory data file to list instead of the embedded one")
	cmd.AddCommand(list)
	return cmd
}

func newLabCommand(g *globalFlags) *cobra.Command {
	var lf pipeline.LabOptions
	cmd := &cobra.Command{
		Use:   "lab",
		Short: "Run the simulated MFP fleet on loopback until interrupted",
		Long: `Runs simulated printers (Canon imageRUNNER ADVANCE as shipped and hardened, an
i-SENSYS MF small-office device, an HP printer and a plain web server), one per
loopback address, on their real ports, so nmap, curl, snmpget or sslscan can be
pointed at them. Ports below 1024 need root; otherwise use --port-offset.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return pipeline.Lab(cmd.Context(), cmd.OutOrStdout(), lf)
		},
	}
	cmd.Flags().StringVar(&lf.Subnet, "subnet", "127.77.0.0/24", "loopback subnet for the devices (must be inside 127.0.0.0/8)")
	cmd.Flags().IntVar(&lf.PortOffset, "port-offset", 0, "serve every port shifted by this much (e.g. 10000: 80 → 10080), for non-root users")
	cmd.Flags().StringSliceVar(&lf.Profiles, "profiles", nil, "profiles to run (default: the whole fleet)")
	return cmd
}

func newDemoCommand(g *globalFlags) *cobra.Command {
	var lf pipeline.LabOptions
	var rf reportFlags
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Start the simulated fleet, scan it, and write a report (nothing leaves loopback)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg := pipeline.Config{}
			if err := commonSetup(cmd, g, &cfg); err != nil {
				return err
			}
			if err := rf.apply(&cfg, pipeline.ReportFormats()); err != nil {
				return err
			}
			cfg.Timeout, cfg.HostDeadline = 1500*time.Millisecond, 30*time.Second
			cfg.Collect.Timeout = cfg.Timeout
			return pipeline.Demo(cmd.Context(), cfg, lf)
		},
	}
	rf.register(cmd.Flags())
	cmd.Flags().StringVar(&lf.Subnet, "subnet", "127.77.0.0/24", "loopback subnet for the simulated devices")
	cmd.Flags().IntVar(&lf.PortOffset, "port-offset", -1, "shift every lab port (default: real ports as root, 10000 otherwise)")
	return cmd
}
