// Package measure runs one benchmarked command and records what it cost:
// wall time (monotonic clock), peak RSS of the process tree it waited for,
// and how it ended. Every benchmark measures its tools through it (command
// bench/cmd/measure) and its comparison tools read the records back.
package measure

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"syscall"
	"time"

	"github.com/mfpscan/mfpscan/bench/internal/jsonfile"
)

// maxResult caps a result file; a real one is a few hundred bytes.
const maxResult = 1 << 20

// Result is what was measured about one command.
type Result struct {
	Command     []string `json:"command"`
	WallSeconds float64  `json:"wall_seconds"`
	MaxRSSKB    int64    `json:"max_rss_kb"` // of the command and the children it waited for
	ExitCode    int      `json:"exit_code"`  // -1 when killed by a signal or the timeout
	TimedOut    bool     `json:"timed_out,omitempty"`
}

// RSSMB is the peak RSS in megabytes.
func (r Result) RSSMB() float64 { return float64(r.MaxRSSKB) / 1024 }

// Run runs argv until it ends or timeout passes. A command that fails is
// recorded, not an error, so the comparison can show it; only failing to
// start it is.
func Run(ctx context.Context, argv []string, stdout, stderr io.Writer, timeout time.Duration) (Result, error) {
	if len(argv) == 0 {
		return Result{}, errors.New("run: no command")
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = stdout, stderr

	start := time.Now()
	runErr := cmd.Run()
	wall := time.Since(start)
	var exitErr *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exitErr) {
		return Result{}, fmt.Errorf("run %s: %w", argv[0], runErr)
	}
	res := Result{Command: argv, WallSeconds: wall.Seconds(), ExitCode: cmd.ProcessState.ExitCode()}
	res.TimedOut = errors.Is(ctx.Err(), context.DeadlineExceeded)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.MaxRSSKB = ru.Maxrss // kilobytes on Linux
	}
	return res, nil
}

// Write stores r at path atomically.
func Write(path string, r Result) error { return jsonfile.Write(path, r) }

// Read loads a result that Write stored.
func Read(path string) (Result, error) {
	var r Result
	err := jsonfile.Read(path, maxResult, &r)
	return r, err
}
