package merge

import (
	"container/heap"
	"context"
	"iter"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/reports"
)

// checkOverlap refuses two inputs of the site holding one address
// (overlapping shards, or the same run given twice): walking every input's
// index in address order at once, a duplicate is met as two equal heads.
func (s *site) checkOverlap() error {
	seqs := make([]iter.Seq2[string, error], len(s.inputs))
	for i, in := range s.inputs {
		seqs[i] = func(yield func(string, error) bool) {
			for a := range in.src.Addresses() {
				if !yield(a, nil) {
					return
				}
			}
		}
	}
	prev, prevInput := "", -1
	for a, err := range byAddress(seqs, func(a string) string { return a }) {
		if err != nil {
			return err
		}
		if prevInput >= 0 && a.item == prev {
			return badInput("merge: site %s: device %s is in both %s and %s (overlapping shards or the same run twice)",
				s.name, a.item, s.inputs[prevInput].dir, s.inputs[a.input].dir)
		}
		prev, prevInput = a.item, a.input
	}
	return nil
}

// devices yields the devices of every input of the site in address order.
func (s *site) devices(ctx context.Context) iter.Seq2[*reports.DeviceResult, error] {
	if len(s.inputs) == 1 {
		return s.inputs[0].src.Devices(ctx)
	}
	seqs := make([]iter.Seq2[*reports.DeviceResult, error], len(s.inputs))
	for i, in := range s.inputs {
		seqs[i] = in.src.Devices(ctx)
	}
	return func(yield func(*reports.DeviceResult, error) bool) {
		for d, err := range byAddress(seqs, func(d *reports.DeviceResult) string { return d.Address }) {
			if !yield(d.item, err) || err != nil {
				return
			}
		}
	}
}

// sourced is an item and the index of the input it came from.
type sourced[T any] struct {
	item  T
	input int
}

// byAddress merges sequences, each in address order, into one in address
// order; equal addresses come in input order. An error from any input ends
// it. A heap keeps this at log(inputs) comparisons per item, for merges of
// hundreds of shards.
func byAddress[T any](seqs []iter.Seq2[T, error], addrOf func(T) string) iter.Seq2[sourced[T], error] {
	return func(yield func(sourced[T], error) bool) {
		h := &cursors[T]{}
		fill := func(c *cursor[T]) bool {
			v, err, ok := c.next()
			switch {
			case !ok:
				return true
			case err != nil:
				yield(sourced[T]{}, err)
				return false
			}
			c.item, c.addr = v, addrOf(v)
			heap.Push(h, c)
			return true
		}
		for i, seq := range seqs {
			next, stop := iter.Pull2(seq)
			defer stop()
			if !fill(&cursor[T]{next: next, input: i}) {
				return
			}
		}
		for h.Len() > 0 {
			c := heap.Pop(h).(*cursor[T])
			if !yield(sourced[T]{c.item, c.input}, nil) || !fill(c) {
				return
			}
		}
	}
}

// cursor is one input's next item in a merge by address.
type cursor[T any] struct {
	next  func() (T, error, bool)
	item  T
	addr  string
	input int
}

// cursors is a heap of inputs, the lowest next address on top.
type cursors[T any] []*cursor[T]

func (h cursors[T]) Len() int { return len(h) }
func (h cursors[T]) Less(a, b int) bool {
	if c := facts.CompareAddress(h[a].addr, h[b].addr); c != 0 {
		return c < 0
	}
	return h[a].input < h[b].input
}
func (h cursors[T]) Swap(a, b int) { h[a], h[b] = h[b], h[a] }
func (h *cursors[T]) Push(x any)   { *h = append(*h, x.(*cursor[T])) }
func (h *cursors[T]) Pop() any {
	old := *h
	top := old[len(old)-1]
	*h = old[:len(old)-1]
	return top
}
