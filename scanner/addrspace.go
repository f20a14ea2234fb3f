// Package scanner turns target specifications into address sets and sweeps
// them for open TCP ports and answering UDP services. It speaks no
// application protocol beyond the SNMP discovery probe.
package scanner

import (
	"cmp"
	"math"
	"math/bits"
	"net/netip"
	"slices"
)

// u128 is an address as an unsigned 128-bit integer, so IPv4 and IPv6 ranges
// share one arithmetic. IPv4 addresses live in the low 32 bits.
type u128 struct{ hi, lo uint64 }

func u128From(a netip.Addr) u128 {
	if a.Is4() {
		b := a.As4()
		return u128{lo: uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])}
	}
	b := a.As16()
	var v u128
	for i := 0; i < 8; i++ {
		v.hi = v.hi<<8 | uint64(b[i])
		v.lo = v.lo<<8 | uint64(b[i+8])
	}
	return v
}

func (v u128) addr(v4 bool) netip.Addr {
	if v4 {
		return netip.AddrFrom4([4]byte{byte(v.lo >> 24), byte(v.lo >> 16), byte(v.lo >> 8), byte(v.lo)})
	}
	var b [16]byte
	for i := 0; i < 8; i++ {
		b[7-i] = byte(v.hi >> (8 * i))
		b[15-i] = byte(v.lo >> (8 * i))
	}
	return netip.AddrFrom16(b)
}

func (v u128) cmp(w u128) int {
	if c := cmp.Compare(v.hi, w.hi); c != 0 {
		return c
	}
	return cmp.Compare(v.lo, w.lo)
}

func (v u128) add(n uint64) u128 {
	lo, carry := bits.Add64(v.lo, n, 0)
	return u128{hi: v.hi + carry, lo: lo}
}

func (v u128) sub1() u128 {
	lo, borrow := bits.Sub64(v.lo, 1, 0)
	return u128{hi: v.hi - borrow, lo: lo}
}

// span is an inclusive range of addresses of one family.
type span struct {
	v4     bool
	lo, hi u128
}

// size is the number of addresses in s, saturated at MaxUint64: only an
// IPv6 range of 2^64 or more addresses saturates, and such a range needs the
// large-sweep confirmation anyway.
func (s span) size() uint64 {
	dlo, borrow := bits.Sub64(s.hi.lo, s.lo.lo, 0)
	dhi := s.hi.hi - s.lo.hi - borrow
	if dhi != 0 || dlo == math.MaxUint64 {
		return math.MaxUint64
	}
	return dlo + 1
}

func spanCompare(a, b span) int {
	if a.v4 != b.v4 {
		if a.v4 {
			return -1
		}
		return 1
	}
	if c := a.lo.cmp(b.lo); c != 0 {
		return c
	}
	return a.hi.cmp(b.hi)
}

// normalise sorts spans and merges overlapping or adjacent ones, which also
// removes duplicate targets.
func normalise(in []span) []span {
	s := slices.Clone(in)
	slices.SortFunc(s, spanCompare)
	out := s[:0]
	for _, r := range s {
		if n := len(out); n > 0 && out[n-1].v4 == r.v4 {
			last := &out[n-1]
			// Adjacent when last.hi+1 == r.lo; guard the +1 overflow at the
			// top of the address space.
			maxed := last.hi == (u128{hi: math.MaxUint64, lo: math.MaxUint64})
			if maxed || r.lo.cmp(last.hi.add(1)) <= 0 {
				if r.hi.cmp(last.hi) > 0 {
					last.hi = r.hi
				}
				continue
			}
		}
		out = append(out, r)
	}
	return out
}

// subtract removes every address of ex from in. Both must be normalised; the
// result is normalised and has at most len(in)+len(ex) spans.
func subtract(in, ex []span) []span {
	var out []span
	j := 0
	for _, r := range in {
		cur := r
		alive := true
		for j < len(ex) && spanBefore(ex[j], cur) {
			j++
		}
		for k := j; alive && k < len(ex); k++ {
			e := ex[k]
			if e.v4 != cur.v4 || e.lo.cmp(cur.hi) > 0 {
				break
			}
			if e.hi.cmp(cur.lo) < 0 {
				continue
			}
			if e.lo.cmp(cur.lo) > 0 {
				out = append(out, span{v4: cur.v4, lo: cur.lo, hi: e.lo.sub1()})
			}
			if e.hi.cmp(cur.hi) >= 0 {
				alive = false
				break
			}
			cur.lo = e.hi.add(1)
		}
		if alive {
			out = append(out, cur)
		}
	}
	return out
}

// spanBefore reports whether e lies wholly before r in the total order.
func spanBefore(e, r span) bool {
	if e.v4 != r.v4 {
		return e.v4 && !r.v4
	}
	return e.hi.cmp(r.lo) < 0
}

func prefixSpan(p netip.Prefix) span {
	p = p.Masked()
	lo := u128From(p.Addr())
	width := 32
	if !p.Addr().Is4() {
		width = 128
	}
	return span{v4: p.Addr().Is4(), lo: lo, hi: blockEnd(lo, width-p.Bits())}
}
