// Command mfpscan is an agentless network scanner for office multifunction
// printers: it sweeps subnets, fingerprints the MFPs it finds, collects facts,
// evaluates Rego policies mapped to Canon's security guide, and writes SARIF,
// HTML and JSON findings.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/mfpscan/mfpscan/pipeline"
)

// Exit codes scripts rely on (documented in the README).
const (
	exitOK          = 0
	exitFindings    = 1 // findings at or above --fail-on
	exitUsage       = 2 // usage or input error: nothing was sent
	exitRuntime     = 3 // the run failed
	exitInterrupted = 4 // interrupted: partial results were written
)

func main() {
	os.Exit(run())
}

func run() int {
	ctx, stop := signalContext()
	defer stop()
	err := newRootCommandWith(osConfigEnv()).ExecuteContext(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mfpscan:", oneLine(err))
	}
	return exitCode(err)
}

// oneLine folds a multi-line error (several Rego compile errors, cobra's
// suggestions) into one line, so logs and cron mails keep it together.
func oneLine(err error) string {
	fields := strings.FieldsFunc(err.Error(), func(r rune) bool { return r == '\n' })
	parts := fields[:0]
	for _, f := range fields {
		if f = strings.TrimSpace(f); f != "" {
			parts = append(parts, f)
		}
	}
	return strings.Join(parts, "; ")
}

// exitCode maps an error from a command to the documented exit codes.
func exitCode(err error) int {
	var fe *pipeline.FindingsError
	var ue *pipeline.UsageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &fe), errors.Is(err, pipeline.ErrChecksFailed):
		return exitFindings
	case errors.Is(err, pipeline.ErrInterrupted):
		return exitInterrupted
	case errors.As(err, &ue):
		return exitUsage
	default:
		return exitRuntime
	}
}

// signalContext cancels on the first SIGINT or SIGTERM, so the sweep stops and
// writes what it collected; a second signal exits at once.
func signalContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case <-sigs:
			fmt.Fprintln(os.Stderr, "\nmfpscan: interrupted, writing what was collected (press Ctrl-C again to quit at once)")
			cancel()
		case <-ctx.Done():
			return
		}
		if _, ok := <-sigs; ok {
			os.Exit(130)
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		cancel()
	}
}
