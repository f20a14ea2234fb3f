// Command measure runs one benchmarked command and writes what it cost
// (package bench/internal/measure) as JSON:
//
//	measure -result R.json [-stdout OUT] [-timeout D] -- CMD ARGS...
//
// The command's standard error passes through; its standard output goes to
// OUT (default: discarded). A command that fails is recorded, and measure
// still exits 0, so the benchmark's comparison shows the failure.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mfpscan/mfpscan/bench/internal/cli"
	"github.com/mfpscan/mfpscan/bench/internal/measure"
)

func main() { os.Exit(cli.Main("measure", run)) }

func run(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := cli.Flags("measure", stderr)
	resultPath := fs.String("result", "", "write the measurement JSON here (required)")
	stdoutPath := fs.String("stdout", "", "write the command's standard output here (default: discard)")
	timeout := fs.Duration("timeout", 30*time.Minute, "kill the command after this long")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	argv := fs.Args()
	if *resultPath == "" || len(argv) == 0 {
		return errors.New("parse flags: usage: measure -result FILE [-stdout FILE] [-timeout D] -- CMD [ARG]")
	}
	var stdout io.Writer = io.Discard
	if *stdoutPath != "" {
		f, err := os.Create(*stdoutPath)
		if err != nil {
			return fmt.Errorf("create stdout file: %w", err)
		}
		defer f.Close()
		stdout = f
	}
	res, err := measure.Run(ctx, argv, stdout, stderr, *timeout)
	if err != nil {
		return err
	}
	if err := measure.Write(*resultPath, res); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "measure: %s: %.3f s, %.1f MB peak RSS, exit %d\n", argv[0], res.WallSeconds, res.RSSMB(), res.ExitCode)
	return nil
}
