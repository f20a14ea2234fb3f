package cli

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// CPUProfile starts a CPU profile written to path, or none when path is
// empty, and returns the function that stops it and closes the file. A
// command starts it where the part it measures begins, so the loading
// before it stays out of the profile.
func CPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create CPU profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("start CPU profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
