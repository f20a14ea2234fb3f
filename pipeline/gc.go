package pipeline

import (
	"os"
	"runtime/debug"

	"github.com/mfpscan/mfpscan/policies"
)

// streamMemoryLimit is the Go heap's soft limit while eval, or scan once
// its sweep is over (reading its devices back from the journal), streams
// devices through evaluation and the writers. policies.RelaxGC lets the heap grow to
// five times what is live, which buys CPU; the limit makes the collector
// run harder before the process passes it, so memory stays bounded
// whatever the fleet size (the live heap is a few batches of devices, well
// under it). The rest of the process (the compiled evaluator's WebAssembly
// code and memory) comes on top.
const streamMemoryLimit = 160 << 20

// relaxGCBounded is policies.RelaxGC with streamMemoryLimit, unless the
// operator set GOMEMLIMIT (or GOGC, which RelaxGC honours); it returns the
// function that restores both.
func relaxGCBounded() (restore func()) {
	restoreGC := policies.RelaxGC()
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return restoreGC
	}
	prev := debug.SetMemoryLimit(streamMemoryLimit)
	return func() {
		debug.SetMemoryLimit(prev)
		restoreGC()
	}
}
