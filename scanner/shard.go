package scanner

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"math/bits"
	"net/netip"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Shard selects part K of N (0 ≤ K < N) of a target set. N == 0 means no
// sharding. Seed fixes the split: every shard of one sweep must use the same
// seed, and the same seed always gives the same split.
type Shard struct {
	K, N uint64
	Seed uint64
}

// Enabled reports whether s selects a part of the set.
func (s Shard) Enabled() bool { return s.N > 0 }

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.K, s.N) }

// The Kubernetes Indexed Job gives each pod its index only; the number of
// shards is passed by the manifest, equal to spec.completions.
const (
	EnvShardIndex = "JOB_COMPLETION_INDEX"
	EnvShardCount = "MFPSCAN_SHARDS"
)

// ParseShard reads "K/N" (K counts from 0, as the Indexed Job's completion
// index does).
func ParseShard(spec string) (Shard, error) {
	ks, ns, ok := strings.Cut(strings.TrimSpace(spec), "/")
	if !ok {
		return Shard{}, fmt.Errorf("parse shard %q: want K/N, e.g. 0/4", spec)
	}
	return newShard(ks, ns, spec)
}

// ShardFromEnv reads the shard from the Indexed Job environment. Neither
// variable set gives no shard; one without the other is an error, because a
// pod sweeping everything next to its siblings would probe every address N
// times.
func ShardFromEnv(getenv func(string) string) (Shard, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	ks, ns := getenv(EnvShardIndex), getenv(EnvShardCount)
	switch {
	case ks == "" && ns == "":
		return Shard{}, nil
	case ks == "":
		return Shard{}, fmt.Errorf("read shard: %s=%s is set but %s is not (run as an Indexed Job or pass --shard)", EnvShardCount, ns, EnvShardIndex)
	case ns == "":
		return Shard{}, fmt.Errorf("read shard: %s=%s is set but %s is not (set it to the Job's spec.completions)", EnvShardIndex, ks, EnvShardCount)
	}
	return newShard(ks, ns, EnvShardIndex+"="+ks+" "+EnvShardCount+"="+ns)
}

func newShard(ks, ns, spec string) (Shard, error) {
	k, errK := strconv.ParseUint(strings.TrimSpace(ks), 10, 64)
	n, errN := strconv.ParseUint(strings.TrimSpace(ns), 10, 64)
	if errK != nil || errN != nil {
		return Shard{}, fmt.Errorf("parse shard %q: K and N must be whole numbers", spec)
	}
	if n == 0 {
		return Shard{}, fmt.Errorf("parse shard %q: N must be at least 1", spec)
	}
	if k >= n {
		return Shard{}, fmt.Errorf("parse shard %q: K counts from 0 and must be below N", spec)
	}
	return Shard{K: k, N: n}, nil
}

// shardView restricts a set to positions [lo, lo+size) of a permutation of
// its index space: one contiguous slice of a shuffled order, so shards are
// disjoint, cover the set, and their sizes differ by at most one.
type shardView struct {
	lo, size uint64
	perm     permutation
}

// Shard returns the part of t that s selects. The result is a view: it holds
// no addresses, only the range of the permuted order it covers.
func (t *TargetSet) Shard(s Shard) (*TargetSet, error) {
	if !s.Enabled() {
		return t, nil
	}
	if s.K >= s.N {
		return nil, fmt.Errorf("shard %s: K must be below N", s)
	}
	if t.shard != nil {
		return nil, errors.New("shard: the target set is already a shard")
	}
	if len(t.skip) > 0 {
		// The split must be made on the whole set, or the shards of one
		// sweep would differ with what each one left out.
		return nil, errors.New("shard: shard the target set before leaving addresses out")
	}
	if t.count == math.MaxUint64 {
		return nil, errors.New("shard: the target set is too large to split (2^64 addresses or more)")
	}
	lo, hi := shardBound(t.count, s.K, s.N), shardBound(t.count, s.K+1, s.N)
	v := *t
	v.shard = &shardView{lo: lo, size: hi - lo, perm: newPermutation(t.count, s.Seed)}
	return &v, nil
}

// shardBound is floor(count*k/n) without overflow (k ≤ n).
func shardBound(count, k, n uint64) uint64 {
	hi, lo := bits.Mul64(count, k)
	q, _ := bits.Div64(hi, lo, n)
	return q
}

// base is the index in the unsharded order of the shard's i-th address.
func (t *TargetSet) base(i uint64) uint64 {
	if t.shard == nil {
		return i
	}
	return t.shard.perm.index(t.shard.lo + i)
}

// indexOf is the position of a in the unsharded ascending order; ok is false
// when a is not in the unsharded set.
func (t *TargetSet) indexOf(a netip.Addr) (uint64, bool) {
	a = a.Unmap()
	v, v4 := u128From(a), a.Is4()
	i := sort.Search(len(t.spans), func(i int) bool {
		s := t.spans[i]
		if s.v4 != v4 {
			return !s.v4
		}
		return s.hi.cmp(v) >= 0
	})
	if i >= len(t.spans) || t.spans[i].v4 != v4 || t.spans[i].lo.cmp(v) > 0 {
		return 0, false
	}
	// v - lo fits 64 bits: sharded sets are below 2^64 addresses.
	off, _ := bits.Sub64(v.lo, t.spans[i].lo.lo, 0)
	return t.starts[i] + off, true
}

// allSharded yields the shard's addresses in ascending order by testing each
// address of the whole set, so it costs the whole set's size; only display
// and the nmap engine's target list use it.
func (t *TargetSet) allSharded() iter.Seq[netip.Addr] {
	whole := *t
	whole.shard = nil
	return func(yield func(netip.Addr) bool) {
		for a := range whole.All() {
			if t.Contains(a) && !yield(a) {
				return
			}
		}
	}
}

// inverse undoes index: inverse(index(i)) == i for i < n. Cycle walking
// backwards through the inverse network retraces the forward walk.
func (p permutation) inverse(v uint64) uint64 { return p.walk(v, p.feistelInv) }

func (p permutation) feistelInv(x uint64) uint64 {
	l, r := (x>>p.half)&p.mask, x&p.mask
	for k := len(p.keys) - 1; k >= 0; k-- {
		l, r = r^(splitmix64(l^p.keys[k])&p.mask), l
	}
	return l<<p.half | r
}

// shardSpans is the shard (less what Without left out) as ascending spans,
// adjacent addresses merged.
func (t *TargetSet) shardSpans() []span {
	var out []span
	for a := range t.allSharded() {
		v := u128From(a)
		if n := len(out); n > 0 && out[n-1].v4 == a.Is4() && out[n-1].hi.add(1) == v {
			out[n-1].hi = v
			continue
		}
		out = append(out, span{v4: a.Is4(), lo: v, hi: v})
	}
	return out
}
