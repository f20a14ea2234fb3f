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

// scanReportMemoryLimit is streamMemoryLimit for the reports of a scan,
// read back from its journal once the sweep is over. Its live heap is one
// batch of devices (under 30 MB for 256) but the scan process already
// holds some 90 MB besides (the binary's pages, the compiled evaluator, the
// collectors' buffers the heap has not returned yet): at 160 MiB the heap
// grew to 143 MB and the /16 benchmark peaked at 194 MiB. The lower limit
// costs a few more collections in a phase of seconds.
const scanReportMemoryLimit = 96 << 20

// relaxGCBounded is policies.RelaxGC with streamMemoryLimit, unless the
// operator set GOMEMLIMIT (or GOGC, which RelaxGC honours); it returns the
// function that restores both.
func relaxGCBounded() (restore func()) { return relaxGCWithin(streamMemoryLimit) }

// relaxGCWithin is relaxGCBounded with the soft limit limit.
func relaxGCWithin(limit int64) (restore func()) {
	restoreGC := policies.RelaxGC()
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return restoreGC
	}
	prev := debug.SetMemoryLimit(limit)
	return func() {
		debug.SetMemoryLimit(prev)
		restoreGC()
	}
}
