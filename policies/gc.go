package policies

import (
	"os"
	"runtime/debug"
)

// evalGCPercent is the garbage collector target while a batch of devices is
// evaluated. OPA's evaluator allocates a few hundred KB of short-lived
// values per device against a small live heap, so with Go's default (100)
// the collector runs constantly and takes about a fifth of the CPU; 400
// measured best in docs/benchmarks/policies.md (higher targets grew the heap
// without further gain).
const evalGCPercent = 400

// RelaxGC raises the garbage collector target for a batch evaluation and
// returns the function that restores the previous setting. It does nothing
// when the operator chose a target with GOGC, so that setting always wins.
// The setting is process-wide: callers are programs (the CLI, benchmarks),
// not the engine itself.
func RelaxGC() (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	prev := debug.SetGCPercent(evalGCPercent)
	return func() { debug.SetGCPercent(prev) }
}
