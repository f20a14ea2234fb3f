package main

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/collectors/advisories"
	"github.com/mfpscan/mfpscan/internal/cliconfig"
	"github.com/mfpscan/mfpscan/internal/inputfile"
	"github.com/mfpscan/mfpscan/pipeline"
	"github.com/mfpscan/mfpscan/policies"
	"github.com/mfpscan/mfpscan/scanner"
)

// sweepFlags are the flags shared by scan and discover.
type sweepFlags struct {
	excludes     []string
	excludeFile  string
	maxHosts     uint64
	yesLarge     bool
	engine       string
	nmapArgs     string
	ports        string
	rate         float64
	timeout      time.Duration
	minTimeout   time.Duration
	hostDeadline time.Duration
	concurrency  int
	perHost      int
	shard        string
	shardSeed    uint64
	labOffset    int
	// getenv reads the Indexed Job environment; nil is os.Getenv.
	getenv func(string) string
}

// omitSuppressedUsage is the help of --sarif-omit-suppressed, shared by
// every command that writes SARIF.
const omitSuppressedUsage = "leave waived results, and findings that point at the result failing for their root cause, out of SARIF (GitHub ignores suppressions and kind)"

// register adds the flags as shared: each also has a top-level config key.
func (f *sweepFlags) register(fs *pflag.FlagSet) {
	cliconfig.Shared(fs, f.registerAll)
}

func (f *sweepFlags) registerAll(fs *pflag.FlagSet) {
	// The engine's tuned defaults are the flag defaults, so a plain
	// `mfpscan scan` sweeps exactly as fast as the benchmarks measure.
	def := scanner.DefaultSweepConfig()
	fs.StringSliceVar(&f.excludes, "exclude", nil, "addresses, CIDRs or ranges to skip (repeatable, comma-separated)")
	fs.StringVar(&f.excludeFile, "exclude-file", "", "file of targets to skip, one per line (# comments allowed)")
	fs.Uint64Var(&f.maxHosts, "max-hosts", 65536, "refuse sweeps larger than this many addresses unless --yes-large-sweep")
	fs.BoolVar(&f.yesLarge, "yes-large-sweep", false, "confirm a sweep larger than --max-hosts")
	fs.StringVar(&f.engine, "engine", "native", "discovery engine: native (TCP connect, SNMP, WS-Discovery, SLP) or nmap")
	fs.StringVar(&f.nmapArgs, "nmap-args", "", "extra arguments for the nmap engine (options that write files, run scripts or send version probes are refused)")
	fs.StringVar(&f.ports, "ports", "", "TCP ports to probe, e.g. 80,443,8000-8010 (default: the MFP port set)")
	fs.Float64Var(&f.rate, "rate", def.Rate, "global probe rate limit, probes per second")
	fs.DurationVar(&f.timeout, "timeout", def.Timeout, "timeout of one probe or protocol exchange")
	fs.DurationVar(&f.minTimeout, "min-timeout", def.MinTimeout, "floor of the adaptive probe timeout learnt from replies; negative turns adaptation off")
	fs.DurationVar(&f.hostDeadline, "host-timeout", def.HostDeadline, "deadline for everything done to one host")
	fs.IntVar(&f.concurrency, "concurrency", def.Concurrency, "probes in flight at once (capped by the open-file limit)")
	fs.IntVar(&f.perHost, "per-host", def.PerHost, "probes in flight at once per host (printers dislike bursts)")
	fs.StringVar(&f.shard, "shard", "", "sweep only part K/N of the targets (K from 0); default from "+scanner.EnvShardIndex+" and "+scanner.EnvShardCount+" when set (Kubernetes Indexed Job)")
	fs.Uint64Var(&f.shardSeed, "shard-seed", 0, "seed of the shard split; every shard of one sweep must use the same")
	// The simulated lab serves every port shifted when not root; tests and
	// benchmarks sweep it through the CLI with this. Loopback targets only.
	fs.IntVar(&f.labOffset, "lab-port-offset", 0, "sweep the simulated lab with its ports shifted by this much (loopback targets only)")
	_ = fs.MarkHidden("lab-port-offset")
	// Its own name's variable, MFPSCAN_LAB_PORT_OFFSET, is lab.port-offset's.
	cliconfig.SetKey(fs, "lab-port-offset", "sweep-lab-offset")
}

// applyShard picks the shard: --shard, else the Indexed Job environment.
func (f *sweepFlags) applyShard(cfg *pipeline.Config) error {
	var (
		sh  scanner.Shard
		err error
	)
	if f.shard != "" {
		sh, err = scanner.ParseShard(f.shard)
	} else {
		sh, err = scanner.ShardFromEnv(f.getenv)
	}
	if err != nil {
		return pipeline.Usagef("%v", err)
	}
	sh.Seed = f.shardSeed
	cfg.Shard = sh
	return nil
}

// apply validates the sweep flags into cfg.
func (f *sweepFlags) apply(cfg *pipeline.Config, targets []string) error {
	def := scanner.DefaultSweepConfig()
	if len(targets) == 0 {
		return pipeline.Usagef("no targets given (e.g. 10.0.0.0/24, 10.1.2.10-50, printer.example.org, @targets.txt)")
	}
	cfg.Targets = targets
	cfg.Excludes = append([]string(nil), f.excludes...)
	if f.excludeFile != "" {
		cfg.Excludes = append(cfg.Excludes, "@"+f.excludeFile)
	}
	cfg.MaxHosts, cfg.AllowLarge = f.maxHosts, f.yesLarge
	switch f.engine {
	case "native", "nmap":
		cfg.Engine = f.engine
	default:
		return pipeline.Usagef("unknown --engine %q (valid: native, nmap)", f.engine)
	}
	if f.nmapArgs != "" {
		if f.engine != "nmap" {
			return pipeline.Usagef("--nmap-args needs --engine nmap")
		}
		cfg.NmapArgs = strings.Fields(f.nmapArgs)
	}
	cfg.Roles = collectors.DefaultRoles()
	if f.labOffset != 0 {
		if f.labOffset < 0 || f.labOffset > 65535-47546 {
			return pipeline.Usagef("--lab-port-offset %d out of range (0-%d)", f.labOffset, 65535-47546)
		}
		cfg.Roles = cfg.Roles.Shift(f.labOffset)
		cfg.PortOffset = f.labOffset
	}
	if f.ports != "" {
		ports, err := pipeline.ParsePorts(f.ports)
		if err != nil {
			return err
		}
		cfg.Ports = ports
	} else {
		cfg.Ports = def.TCPPorts
	}
	if f.rate <= 0 {
		return pipeline.Usagef("--rate must be positive, got %v", f.rate)
	}
	if f.timeout <= 0 || f.hostDeadline <= 0 {
		return pipeline.Usagef("--timeout and --host-timeout must be positive")
	}
	if f.concurrency < 1 || f.perHost < 1 {
		return pipeline.Usagef("--concurrency and --per-host must be at least 1")
	}
	cfg.Rate, cfg.Timeout, cfg.HostDeadline = f.rate, f.timeout, f.hostDeadline
	cfg.MinTimeout = f.minTimeout
	cfg.Concurrency, cfg.PerHost = f.concurrency, f.perHost
	return f.applyShard(cfg)
}

// renderFlags choose the reports written: every command that writes
// reports has them.
type renderFlags struct {
	formats        string
	omitSuppressed bool
}

func (f *renderFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.formats, "format", "sarif,html,json", "report formats: sarif, html, json, csv, markdown, jsonl (one JSON object per device and finding, as each device is evaluated)")
	fs.BoolVar(&f.omitSuppressed, "sarif-omit-suppressed", false, omitSuppressedUsage)
}

func registerSite(fs *pflag.FlagSet, site *string) {
	fs.StringVar(site, "site", "default", "site or sweep name, used as the SARIF category")
}

func checkSite(site string) error {
	if site == "" || strings.ContainsAny(site, "/ ") {
		return pipeline.Usagef("--site %q must be a non-empty name without '/' or spaces", site)
	}
	return nil
}

// policySourceFlags are the custom rules and organisation parameters.
type policySourceFlags struct {
	policies  []string
	dataFiles []string
}

func (f *policySourceFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&f.policies, "policy", nil, "custom Rego policy: directory, .rego file or OPA bundle .tar.gz (repeatable)")
	fs.StringArrayVar(&f.dataFiles, "data", nil, "organisation parameters, YAML or JSON (repeatable)")
	// "policy" is the policy command's section.
	cliconfig.SetKey(fs, "policy", "policies")
}

// reportFlags are the flags of every command that evaluates and reports.
type reportFlags struct {
	render        renderFlags
	source        policySourceFlags
	out           string
	waivers       string
	baseline      string
	failOn        string
	site          string
	evaluator     string
	evalTimeout   time.Duration
	evalMemoryMiB int64
	history       historyFlags
}

// register adds the flags as shared: each also has a top-level config key.
func (f *reportFlags) register(fs *pflag.FlagSet) {
	cliconfig.Shared(fs, func(fs *pflag.FlagSet) {
		fs.StringVarP(&f.out, "out", "o", "./mfpscan-report", "output directory, or - for standard output (--format jsonl only; scan writes each device there as it completes)")
		f.render.register(fs)
		f.source.register(fs)
		fs.StringVar(&f.waivers, "waivers", "", "YAML file of waivers {rule, selector, reason, expires}")
		fs.StringVar(&f.baseline, "baseline", "", "previous results.sarif, or \"history\" for the site's last complete run in the history store: mark results new / unchanged / updated / absent")
		fs.StringVar(&f.failOn, "fail-on", "none", "exit 1 when a finding is at or above this severity: critical, high, medium, low, info, none")
		registerSite(fs, &f.site)
		f.history.register(fs)
		fs.DurationVar(&f.evalTimeout, "eval-timeout", policies.DefaultDeviceBudget, "policy evaluation time budget per device (and per rule when finding a slow one); a rule over it gives review")
		fs.Int64Var(&f.evalMemoryMiB, "eval-memory", policies.DefaultMemoryBudget>>20, "memory budget of policy evaluation, MiB of heap; devices being evaluated when it is exceeded give review")
		fs.StringVar(&f.evaluator, "evaluator", "auto", "policy evaluator: auto (compiled to WebAssembly; OPA's topdown if a policy cannot be compiled), compiled, topdown")
	})
}

func (f *reportFlags) apply(cfg *pipeline.Config, available []string) error {
	formats, err := pipeline.ParseFormats(f.render.formats, available)
	if err != nil {
		return err
	}
	failOn, err := pipeline.ParseSeverity(f.failOn)
	if err != nil {
		return err
	}
	if err := pipeline.CheckOutput(f.out, formats); err != nil {
		return err
	}
	if err := checkSite(f.site); err != nil {
		return err
	}
	cfg.OutDir, cfg.Formats, cfg.FailOn, cfg.Site = f.out, formats, failOn, f.site
	cfg.PolicyPaths, cfg.DataFiles = f.source.policies, f.source.dataFiles
	cfg.WaiversFile, cfg.BaselineFile, cfg.OmitSuppressed = f.waivers, f.baseline, f.render.omitSuppressed
	if f.evalTimeout <= 0 {
		return pipeline.Usagef("--eval-timeout must be positive, got %v", f.evalTimeout)
	}
	if f.evalMemoryMiB < 64 || f.evalMemoryMiB > 1<<30 {
		return pipeline.Usagef("--eval-memory must be between 64 and %d MiB, got %d", 1<<30, f.evalMemoryMiB)
	}
	cfg.EvalTimeout, cfg.EvalMemory = f.evalTimeout, f.evalMemoryMiB<<20
	if err := f.history.apply(cfg); err != nil {
		return err
	}
	switch f.evaluator {
	case "auto":
		cfg.Evaluator = policies.EvaluatorAuto
	case policies.EvaluatorCompiled, policies.EvaluatorTopdown:
		cfg.Evaluator = f.evaluator
	default:
		return pipeline.Usagef("unknown --evaluator %q (want auto, compiled or topdown)", f.evaluator)
	}
	return nil
}

// collectFlags are the collection opt-ins of scan.
type collectFlags struct {
	checkCredentials bool
	probePJL         bool
	communitiesFile  string
	advisories       string
}

func (f *collectFlags) register(fs *pflag.FlagSet) {
	fs.BoolVar(&f.checkCredentials, "check-default-credentials", false, "try well-known default logins, one attempt per account per device")
	fs.BoolVar(&f.probePJL, "probe-pjl", false, "send @PJL INFO ID to raw print ports (9100) to read the model")
	fs.StringVar(&f.communitiesFile, "snmp-communities", "", "file of extra SNMP communities to try read-only, one per line (never written to reports)")
	fs.StringVar(&f.advisories, "advisories", "", "newer firmware advisory data file (format: docs/ADVISORIES.md), checked before any traffic")
}

func (f *collectFlags) apply(cfg *pipeline.Config) error {
	cfg.Collect.CheckDefaultCredentials = f.checkCredentials
	cfg.Collect.ProbePJL = f.probePJL
	cfg.Collect.Timeout = cfg.Timeout
	if f.advisories != "" {
		_, b, err := advisories.ReadFile(f.advisories)
		if err != nil {
			return pipeline.Usagef("--advisories: %v", err)
		}
		cfg.Collect.AdvisoryData = b
	}
	if f.communitiesFile != "" {
		list, err := readCommunities(f.communitiesFile)
		if err != nil {
			return err
		}
		cfg.Collect.Communities = list
	}
	return nil
}

// maxCommunitiesFile caps --snmp-communities.
const maxCommunitiesFile = 1 << 20

// readCommunities reads one community per line. The values are secrets: an
// error names the file and line, never the value.
func readCommunities(path string) ([]string, error) {
	// A regular file only (a FIFO would block), and capped: a community
	// list is short.
	fh, err := inputfile.Open(path)
	if err != nil {
		return nil, pipeline.Usagef("read --snmp-communities: %v", err)
	}
	defer fh.Close()
	var out []string
	sc := bufio.NewScanner(io.LimitReader(fh, maxCommunitiesFile+1))
	read := 0
	for line := 1; sc.Scan(); line++ {
		if read += len(sc.Bytes()) + 1; read > maxCommunitiesFile {
			return nil, pipeline.Usagef("read --snmp-communities %s: larger than %d KiB", path, maxCommunitiesFile>>10)
		}
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if len(s) > 255 {
			return nil, pipeline.Usagef("%s:%d: community longer than 255 bytes", path, line)
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, pipeline.Usagef("read --snmp-communities %s: %v", path, err)
	}
	return out, nil
}

// commonSetup fills the parts of cfg every command needs.
func commonSetup(cmd *cobra.Command, g *globalFlags, cfg *pipeline.Config) error {
	log, err := g.logger(cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	cfg.Log = log
	g.config.log(log)
	cfg.Stdout = cmd.OutOrStdout()
	cfg.Progress = cmd.ErrOrStderr()
	if f, ok := cmd.ErrOrStderr().(*os.File); ok {
		cfg.Interactive = g.interactive(f)
	}
	if f, ok := cmd.OutOrStdout().(*os.File); ok {
		cfg.Color = os.Getenv("NO_COLOR") == "" && term.IsTerminal(int(f.Fd()))
	}
	if g.quiet {
		cfg.Progress = nil
	}
	cfg.Now = time.Now
	return nil
}

// checkpointFlags continue an interrupted scan, or let a new one replace
// what --out holds.
type checkpointFlags struct {
	resume string
	force  bool
}

func (f *checkpointFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.resume, "resume", "", "continue the interrupted scan in this directory (same targets and options; its finished devices are not probed again); implies --out DIR")
	fs.BoolVar(&f.force, "force", false, "let a new scan replace an interrupted scan, or facts files no scan journal names, in --out")
	// Both decide about one run's directory: a config file or environment
	// setting would resume, or discard, every later run too.
	cliconfig.NoKey(fs, "resume")
	cliconfig.NoKey(fs, "force")
}

// apply sets the output directory of a resume; an --out naming another
// directory is refused.
func (f *checkpointFlags) apply(fs *pflag.FlagSet, cfg *pipeline.Config) error {
	cfg.Force = f.force
	if f.resume == "" {
		return nil
	}
	if f.force {
		return pipeline.Usagef("--resume and --force exclude each other")
	}
	if fs.Changed("out") && filepath.Clean(cfg.OutDir) != filepath.Clean(f.resume) {
		return pipeline.Usagef("--resume %s and --out %s name different directories; --resume writes into the directory it continues", f.resume, cfg.OutDir)
	}
	if err := pipeline.CheckOutDir(f.resume); err != nil {
		return err
	}
	cfg.OutDir, cfg.Resume = f.resume, true
	return nil
}
