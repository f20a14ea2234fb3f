package tlsscan

import (
	"fmt"
	"sync"
)

// parallel runs one(i) for every i below n side by side and returns the
// results in order. The engine recovers collector panics only on its own
// goroutine, and one hostile reply must not take the scan down: a panic in
// one(i) gives panicked(i, value) in its place.
func parallel[T any](n int, one func(i int) T, panicked func(i int, v any) T) []T {
	out := make([]T, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			defer func() {
				if v := recover(); v != nil {
					out[i] = panicked(i, v)
				}
			}()
			out[i] = one(i)
		})
	}
	wg.Wait()
	return out
}

// internalError is the unknown result of a probe goroutine that panicked.
func internalError(_ int, v any) versionResult {
	return versionResult{state: unknown, reason: fmt.Sprintf("internal error: %v", v)}
}
