// Package parallel runs indexed work on every core while keeping the
// error a sequential loop would have met first, so parallel loading
// reports the same file a one-by-one read would.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Each runs work(i) for i from 0 to n-1 on GOMAXPROCS workers. The workers
// take indexes in increasing order and stop taking new ones after a
// failure, so the error returned, that of the lowest failing index, is the
// one a sequential loop would have met first.
func Each(n int, work func(i int) error) error {
	errs := make([]error, n)
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if errs[i] = work(i); errs[i] != nil {
					failed.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
