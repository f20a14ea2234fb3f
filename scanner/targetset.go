package scanner

import (
	"iter"
	"math"
	"math/bits"
	"net/netip"
	"sort"
)

// Resolution records how a host name given as a target was resolved, so the
// scan metadata can show which addresses a name stood for at scan time.
type Resolution struct {
	Host  string       `json:"host"`
	Addrs []netip.Addr `json:"addrs"`
	// Exclude is true when the name was given as an exclusion.
	Exclude bool `json:"exclude,omitempty"`
}

// TargetSet is the addresses to sweep: disjoint, sorted ranges with the
// exclusions already removed. It never holds one entry per address, so a /8
// costs a few bytes.
type TargetSet struct {
	spans []span
	// starts[i] is the index of spans[i]'s first address in All's order,
	// saturated at MaxUint64.
	starts   []uint64
	count    uint64
	Resolved []Resolution
	// shard, when set, narrows the set to one part of a split (see Shard);
	// count, spans and starts still describe the whole set.
	shard *shardView
	// skip holds the addresses Without left out (nil: none).
	skip map[netip.Addr]struct{}
}

func newTargetSet(spans []span) *TargetSet {
	ts := &TargetSet{spans: spans, starts: make([]uint64, len(spans))}
	for i, s := range spans {
		ts.starts[i] = ts.count
		ts.count = addSat(ts.count, s.size())
	}
	return ts
}

func addSat(a, b uint64) uint64 {
	s, carry := bits.Add64(a, b, 0)
	if carry != 0 {
		return math.MaxUint64
	}
	return s
}

// Count is the number of addresses in the set, saturated at MaxUint64 (only
// reachable with confirmed IPv6 sweeps of a /64 or wider).
func (t *TargetSet) Count() uint64 {
	return t.indexed() - uint64(len(t.skip))
}

// indexed is the size of the index space Shuffled walks: the shard's, or
// the whole set's, with the addresses Without left out still counted.
func (t *TargetSet) indexed() uint64 {
	if t.shard != nil {
		return t.shard.size
	}
	return t.count
}

// Prefixes returns the set as the smallest list of CIDR prefixes, for
// display and for handing targets to external tools.
func (t *TargetSet) Prefixes() []netip.Prefix {
	spans := t.spans
	if t.shard != nil || len(t.skip) > 0 {
		spans = t.shardSpans()
	}
	var out []netip.Prefix
	for _, s := range spans {
		out = appendPrefixes(out, s)
	}
	return out
}

func appendPrefixes(out []netip.Prefix, s span) []netip.Prefix {
	width := 128
	if s.v4 {
		width = 32
	}
	lo := s.lo
	for {
		// Largest aligned block starting at lo that does not pass s.hi.
		host := trailingZeros128(lo, width)
		for host > 0 && blockEnd(lo, host).cmp(s.hi) > 0 {
			host--
		}
		out = append(out, netip.PrefixFrom(lo.addr(s.v4), width-host))
		end := blockEnd(lo, host)
		if end.cmp(s.hi) >= 0 {
			return out
		}
		lo = end.add(1)
	}
}

func trailingZeros128(v u128, width int) int {
	var tz int
	if v.lo != 0 {
		tz = bits.TrailingZeros64(v.lo)
	} else {
		tz = 64 + bits.TrailingZeros64(v.hi)
	}
	return min(tz, width)
}

// blockEnd is the last address of the aligned block of 2^host addresses
// starting at lo.
func blockEnd(lo u128, host int) u128 {
	hi := lo
	switch {
	case host >= 128:
		return u128{hi: math.MaxUint64, lo: math.MaxUint64}
	case host >= 64:
		hi.lo = math.MaxUint64
		hi.hi |= (uint64(1) << (host - 64)) - 1
	case host > 0:
		hi.lo |= (uint64(1) << host) - 1
	}
	return hi
}

// Contains reports whether a is in the set.
func (t *TargetSet) Contains(a netip.Addr) bool {
	if t.skipped(a.Unmap()) {
		return false
	}
	i, ok := t.indexOf(a)
	if !ok || t.shard == nil {
		return ok
	}
	pos := t.shard.perm.inverse(i)
	return pos >= t.shard.lo && pos-t.shard.lo < t.shard.size
}

// All yields every address in ascending order (IPv4 first).
func (t *TargetSet) All() iter.Seq[netip.Addr] {
	if t.shard != nil {
		return t.filtered(t.allSharded())
	}
	return t.filtered(t.allWhole())
}

func (t *TargetSet) allWhole() iter.Seq[netip.Addr] {
	return func(yield func(netip.Addr) bool) {
		for _, s := range t.spans {
			for v := s.lo; ; v = v.add(1) {
				if !yield(v.addr(s.v4)) {
					return
				}
				if v == s.hi {
					break
				}
			}
		}
	}
}

// at returns the i-th address of the shard (of All's order when unsharded);
// i < Count().
func (t *TargetSet) at(i uint64) netip.Addr {
	i = t.base(i)
	k := sort.Search(len(t.starts), func(k int) bool { return t.starts[k] > i }) - 1
	s := t.spans[k]
	return s.lo.add(i - t.starts[k]).addr(s.v4)
}

// Shuffled yields every address once in an order fixed by seed. It walks
// the index space [0, Count) through a four-round Feistel network over the
// smallest even power of two covering it and skips images outside the range
// (cycle walking), so the permutation needs no memory and the expected cost
// is under four Feistel evaluations per address.
func (t *TargetSet) Shuffled(seed uint64) iter.Seq[netip.Addr] {
	return t.filtered(func(yield func(netip.Addr) bool) {
		n := t.indexed()
		p := newPermutation(n, seed)
		for i := uint64(0); i < n; i++ {
			if !yield(t.at(p.index(i))) {
				return
			}
		}
	})
}

// permutation is a bijection on [0, n).
type permutation struct {
	n    uint64
	half uint
	mask uint64
	keys [4]uint64
}

func newPermutation(n, seed uint64) permutation {
	k := uint(2)
	if n > 1 {
		k = uint(bits.Len64(n - 1))
	}
	if k%2 == 1 {
		k++
	}
	k = max(k, 2)
	p := permutation{n: n, half: k / 2, mask: (uint64(1) << (k / 2)) - 1}
	s := seed
	for r := range p.keys {
		s = splitmix64(s + uint64(r) + 1)
		p.keys[r] = s
	}
	return p
}

func (p permutation) index(i uint64) uint64 { return p.walk(i, p.feistel) }

// walk applies the Feistel network (or its inverse) until the value falls
// inside [0, n): cycle walking turns the network's bijection on a power of
// four into one on [0, n).
func (p permutation) walk(x uint64, network func(uint64) uint64) uint64 {
	if p.n <= 1 {
		return x
	}
	x = network(x)
	for x >= p.n {
		x = network(x)
	}
	return x
}

func (p permutation) feistel(x uint64) uint64 {
	l, r := (x>>p.half)&p.mask, x&p.mask
	for _, key := range p.keys {
		l, r = r, l^(splitmix64(r^key)&p.mask)
	}
	return l<<p.half | r
}

// splitmix64 is a well-mixed 64-bit hash, used as the Feistel round function.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
