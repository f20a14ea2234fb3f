// Command benchtool measures and checks the discovery benchmark
// (bench/discovery.sh).
//
//	benchtool run -result R.json [-stdout OUT] -- CMD ARGS...
//	    runs CMD, records wall time, peak RSS (rusage of the waited-for
//	    process tree) and exit code.
//	benchtool report -truth TRUTH.json [-base NAME] [-target EXPR]... [-markdown FILE] RUN...
//	    RUN is NAME:FORMAT:OUTPUT:RESULT with FORMAT mfpscan or nmap;
//	    compares each tool's open ports with the truth, prints the table
//	    and the targets, and exits 1 when any tool's set is not exact.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// errMismatch makes the process exit 1 without an extra message: the table
// already says what is wrong.
var errMismatch = errors.New("open ports differ from the ground truth")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtool:", err)
		os.Exit(1)
	}
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: benchtool run|report ARGS")
	}
	switch args[0] {
	case "run":
		return runCommand(ctx, args[1:], stderr)
	case "report":
		return reportCommand(args[1:], stdout, stderr)
	}
	return fmt.Errorf("unknown subcommand %q (want run or report)", args[0])
}
