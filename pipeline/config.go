// Package pipeline wires the stages together: scanner → collectors → facts →
// policies → reports. The CLI fills a Config, validates it, and calls Scan,
// Eval or Demo; nothing here parses flags.
package pipeline

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/internal/usage"
	"github.com/mfpscan/mfpscan/policies"
	"github.com/mfpscan/mfpscan/reports"
	"github.com/mfpscan/mfpscan/scanner"
)

// UsageError is an error in the operator's input (exit code 2: nothing was
// sent on the network). It is the one usage-error type of every stage; find
// it with errors.As.
type UsageError = usage.Error

// ErrInterrupted is returned when a sweep was cut short by a signal; what was
// collected has been written.
var ErrInterrupted = errors.New("interrupted")

// ExitInterrupted is the exit code of an interrupted run (ErrInterrupted),
// recorded in the SARIF invocation so the file and the process agree.
const ExitInterrupted = 4

// ErrChecksFailed is returned when a check the operator asked for failed
// (e.g. Rego unit tests); it exits like findings do.
var ErrChecksFailed = errors.New("checks failed")

// Usagef returns a *UsageError formatted like fmt.Errorf.
func Usagef(format string, args ...any) error { return usage.Errorf(format, args...) }

// Usage marks err as a *UsageError (nil stays nil).
func Usage(err error) error { return usage.Wrap(err) }

// Config is a validated set of settings for one run.
type Config struct {
	Targets    []string
	Excludes   []string
	MaxHosts   uint64
	AllowLarge bool
	Engine     string
	NmapArgs   []string
	// Shard selects the part of the targets this process sweeps (zero:
	// all of them).
	Shard scanner.Shard
	// Resume continues the interrupted scan journalled in OutDir (see
	// startCheckpoint); Force lets a new scan replace an interrupted run or
	// facts files no journal names.
	Resume bool
	Force  bool
	Ports  []int
	Roles  collectors.Roles
	// PortOffset is the lab's port shift, recorded in the scan metadata.
	PortOffset int
	Rate       float64
	Timeout    time.Duration
	// MinTimeout is the floor of the adaptive probe timeout (0: the
	// engine's default; negative: adaptation off).
	MinTimeout   time.Duration
	HostDeadline time.Duration
	Concurrency  int
	PerHost      int

	Collect collectors.Options

	PolicyPaths []string
	// BundleKey, when set, requires every PolicyPaths entry to be an OPA
	// bundle signed with it.
	BundleKey *policies.BundleKey
	DataFiles []string
	Evaluator string // policies.Options.Evaluator
	// EvalTimeout and EvalMemory are the policy evaluation budgets:
	// per device, and of the process's heap in bytes (0: the defaults).
	EvalTimeout    time.Duration
	EvalMemory     int64
	WaiversFile    string
	Attestations   string
	BaselineFile   string
	OutDir         string
	Formats        []string
	Site           string
	FailOn         string
	OmitSuppressed bool

	// History is the history store (a SQLite path or postgres:// URL);
	// "" records nothing. The CLI fills in the default path.
	History string

	Log *slog.Logger
	// Progress receives the progress bar and summary; Stdout the results.
	Progress io.Writer
	Stdout   io.Writer
	// Interactive enables the progress bar (a terminal, not --quiet).
	Interactive bool
	// Color enables ANSI colour in the terminal summary: stdout is a
	// terminal and NO_COLOR is not set.
	Color bool
	Now   func() time.Time
	// Observe, when set, receives each evaluated run (interrupted ones too)
	// and the number of addresses swept, for run metrics.
	Observe func(run *reports.Run, swept uint64)
}

// ParsePorts reads "80,443,8000-8010" into a sorted, de-duplicated list.
func ParsePorts(spec string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		first, err := parsePort(lo)
		if err != nil {
			return nil, Usagef("parse ports %q: %v", spec, err)
		}
		last := first
		if isRange {
			if last, err = parsePort(hi); err != nil {
				return nil, Usagef("parse ports %q: %v", spec, err)
			}
			if last < first {
				return nil, Usagef("parse ports %q: range %s runs backwards", spec, part)
			}
		}
		for p := first; p <= last; p++ {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, Usagef("parse ports %q: no ports given", spec)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func parsePort(s string) (int, error) {
	p, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || p < 1 || p > 65535 {
		return 0, fmt.Errorf("%q is not a port number (1-65535)", s)
	}
	return p, nil
}

// StdoutOut as --out writes the report to standard output.
const StdoutOut = "-"

// CheckOutDir validates an --out value naming a directory. "-" (standard
// output) is refused here: a run is a directory, not one stream — the SARIF
// locates every result in the device's facts file written beside it, and
// findings, facts and the HTML report belong together. CheckOutput allows
// "-" for the formats made for a stream.
func CheckOutDir(dir string) error {
	switch strings.TrimSpace(dir) {
	case "":
		return Usagef("--out must not be empty")
	case StdoutOut:
		return Usagef("--out - (standard output) is not supported: reports are written to a directory (the SARIF points into the facts files beside it); give a directory")
	}
	return nil
}

// CheckOutput validates --out with the formats: "-" takes only formats
// that stand alone on a stream (jsonl), written as each device completes.
func CheckOutput(dir string, formats []string) error {
	if strings.TrimSpace(dir) != StdoutOut {
		return CheckOutDir(dir)
	}
	for _, f := range formats {
		if !reports.StreamsToStdout(f) {
			return Usagef("--out - (standard output) takes only --format jsonl; %s is written to a directory (the SARIF points into the facts files beside it): give a directory", f)
		}
	}
	return nil
}

// ParseFormats reads "sarif,html,json".
func ParseFormats(spec string, available []string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(spec, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		if f == "" {
			continue
		}
		if !slices.Contains(available, f) {
			return nil, Usagef("unknown report format %q (valid: %s)", f, strings.Join(available, ", "))
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, Usagef("no report format given (valid: %s)", strings.Join(available, ", "))
	}
	return out, nil
}

// ParseSeverity validates a --fail-on value; "" and "none" disable it.
func ParseSeverity(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || s == "none" {
		return "", nil
	}
	if policies.SeverityRank(s) == 0 {
		return "", Usagef("unknown severity %q (valid: %s, none)", s, strings.Join(policies.Severities, ", "))
	}
	return s, nil
}
