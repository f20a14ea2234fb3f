package parallel

import (
	"fmt"
	"sync/atomic"
	"testing"
)

func TestEachReturnsTheFirstErrorInOrder(t *testing.T) {
	if err := Each(0, func(int) error { return fmt.Errorf("called") }); err != nil {
		t.Fatalf("no work: %v", err)
	}
	var done atomic.Int64
	if err := Each(50, func(int) error { done.Add(1); return nil }); err != nil || done.Load() != 50 {
		t.Fatalf("all succeed: err %v, %d of 50 done", err, done.Load())
	}
	for range 20 { // the workers' interleaving differs from run to run
		err := Each(40, func(i int) error {
			if i == 9 || i == 23 {
				return fmt.Errorf("item %d", i)
			}
			return nil
		})
		if err == nil || err.Error() != "item 9" {
			t.Fatalf("got %v, want the error of item 9", err)
		}
	}
}
