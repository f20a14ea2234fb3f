// Command compare checks the discovery benchmark (bench/discovery/run.sh):
//
//	compare -truth TRUTH.json [-base NAME] [-target EXPR]... [-markdown FILE] RUN...
//
// RUN is NAME:FORMAT:OUTPUT:RESULT with FORMAT mfpscan or nmap and RESULT a
// measurement of bench/cmd/measure. It compares each tool's open ports
// with the lab's truth, prints the table and the targets, and exits 1 when
// any tool's set is not exact.
package main

import (
	"errors"
	"fmt"
	"os"
)

// errMismatch makes the process exit 1 without an extra message: the table
// already says what is wrong.
var errMismatch = errors.New("open ports differ from the ground truth")

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, errMismatch) {
			fmt.Fprintln(os.Stderr, "compare:", err)
		}
		os.Exit(1)
	}
}
