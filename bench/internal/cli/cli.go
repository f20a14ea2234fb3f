// Package cli is the main function every benchmark command shares: the run
// is cancelled on SIGINT or SIGTERM, and an error is printed under the
// command's name and turned into exit status 1.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// ErrReported marks an error the command already explained in its output
// (a table that says what is wrong): it exits 1 without another line.
var ErrReported = errors.New("reported")

// Run is a command's body.
type Run func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// Main runs run with the process's arguments and streams and returns the
// exit status for os.Exit.
func Main(name string, run Run) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return exitCode(name, run(ctx, os.Args[1:], os.Stdout, os.Stderr), os.Stderr)
}

// Flags is a command's flag set: a bad flag is reported on stderr and
// returned from Parse, never an exit from inside run.
func Flags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// Parse parses args into fs, wrapping a failure the way every command
// reports it.
func Parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("parse flags: %w", err)
	}
	return nil
}

func exitCode(name string, err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	if !errors.Is(err, ErrReported) {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
	}
	return 1
}
