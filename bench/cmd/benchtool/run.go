package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// runResult is what `benchtool run` measured about one command.
type runResult struct {
	Command     []string `json:"command"`
	WallSeconds float64  `json:"wall_seconds"`
	MaxRSSKB    int64    `json:"max_rss_kb"` // of the command and the children it waited for
	ExitCode    int      `json:"exit_code"`  // -1 when killed by a signal or the timeout
	TimedOut    bool     `json:"timed_out,omitempty"`
}

// runCommand implements `benchtool run -result FILE [-stdout FILE]
// [-timeout D] -- CMD ARGS...`. A command that fails is recorded, not
// fatal, so the report can show it; only failing to start it is an error.
func runCommand(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	resultPath := fs.String("result", "", "write the measurement JSON here (required)")
	stdoutPath := fs.String("stdout", "", "write the command's standard output here (default: discard)")
	timeout := fs.Duration("timeout", 30*time.Minute, "kill the command after this long")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("parse run flags: %w", err)
	}
	argv := fs.Args()
	if *resultPath == "" || len(argv) == 0 {
		return errors.New("parse run flags: usage: benchtool run -result FILE [-stdout FILE] -- CMD [ARG]")
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
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = stdout, stderr

	start := time.Now()
	runErr := cmd.Run()
	wall := time.Since(start)
	var exitErr *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exitErr) {
		return fmt.Errorf("run %s: %w", argv[0], runErr)
	}

	res := runResult{Command: argv, WallSeconds: wall.Seconds(), ExitCode: cmd.ProcessState.ExitCode()}
	res.TimedOut = errors.Is(ctx.Err(), context.DeadlineExceeded)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.MaxRSSKB = ru.Maxrss // kilobytes on Linux
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return fmt.Errorf("encode result: %w", err)
	}
	if err := os.WriteFile(*resultPath, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write result: %w", err)
	}
	fmt.Fprintf(stderr, "benchtool: %s: %.3f s, %.1f MB peak RSS, exit %d\n",
		argv[0], res.WallSeconds, float64(res.MaxRSSKB)/1024, res.ExitCode)
	return nil
}
