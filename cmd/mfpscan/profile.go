package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// startProfile writes a CPU profile of the whole run to the file named by
// MFPSCAN_CPUPROFILE, for the benchmarks (bench/eval/run.sh --profile): an
// environment variable rather than a flag, so it stays out of the command
// reference and the config file. It returns the function that stops it.
func startProfile() func() {
	path := os.Getenv("MFPSCAN_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mfpscan: warning: MFPSCAN_CPUPROFILE:", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, "mfpscan: warning: MFPSCAN_CPUPROFILE:", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// writeHeapProfile writes the heap profile to MFPSCAN_MEMPROFILE at exit,
// for the memory benchmarks.
func writeHeapProfile() {
	path := os.Getenv("MFPSCAN_MEMPROFILE")
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mfpscan: warning: MFPSCAN_MEMPROFILE:", err)
		return
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		fmt.Fprintln(os.Stderr, "mfpscan: warning: MFPSCAN_MEMPROFILE:", err)
	}
}
