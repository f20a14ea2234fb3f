package scanner

import (
	"iter"
	"net/netip"
)

// Without returns a view of t that leaves out addrs, for a resumed sweep:
// the devices a checkpoint records as finished are not probed again. The
// addresses left out do not move the others, so a shard keeps exactly the
// addresses it had (the split is made before, on the whole set), and the
// sweep order of the rest is unchanged. Addresses not in t are ignored.
func (t *TargetSet) Without(addrs []netip.Addr) *TargetSet {
	if len(addrs) == 0 {
		return t
	}
	v := *t
	v.skip = make(map[netip.Addr]struct{}, len(addrs)+len(t.skip))
	for a := range t.skip {
		v.skip[a] = struct{}{}
	}
	for _, a := range addrs {
		a = a.Unmap()
		if t.Contains(a) {
			v.skip[a] = struct{}{}
		}
	}
	return &v
}

// skipped reports whether a was left out by Without.
func (t *TargetSet) skipped(a netip.Addr) bool {
	_, ok := t.skip[a]
	return ok
}

// filtered yields the addresses of seq that Without did not leave out.
func (t *TargetSet) filtered(seq iter.Seq[netip.Addr]) iter.Seq[netip.Addr] {
	if len(t.skip) == 0 {
		return seq
	}
	return func(yield func(netip.Addr) bool) {
		for a := range seq {
			if !t.skipped(a) && !yield(a) {
				return
			}
		}
	}
}
