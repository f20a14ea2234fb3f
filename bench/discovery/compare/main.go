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
	"fmt"
	"os"

	"github.com/mfpscan/mfpscan/bench/internal/cli"
)

// errMismatch exits 1 without an extra message: the table already says
// what is wrong.
var errMismatch = fmt.Errorf("open ports differ from the ground truth: %w", cli.ErrReported)

func main() { os.Exit(cli.Main("compare", run)) }
