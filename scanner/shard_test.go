package scanner

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"
)

// checkSplit asserts the shard properties over one target set: every
// address in exactly one shard, sizes within one of each other, Contains,
// All, Shuffled and Prefixes agreeing with each other.
func checkSplit(t *testing.T, ts *TargetSet, n, seed uint64) {
	t.Helper()
	owner := map[netip.Addr]uint64{}
	var minSize, maxSize uint64 = ^uint64(0), 0
	for k := range n {
		sh, err := ts.Shard(Shard{K: k, N: n, Seed: seed})
		if err != nil {
			t.Fatalf("shard %d/%d: %v", k, n, err)
		}
		var got []netip.Addr
		for a := range sh.Shuffled(seed ^ 0x55) {
			if prev, dup := owner[a]; dup {
				t.Fatalf("seed %d: %s in shard %d and shard %d of %d", seed, a, prev, k, n)
			}
			if !ts.Contains(a) {
				t.Fatalf("shard %d/%d yields %s, not in the set", k, n, a)
			}
			if !sh.Contains(a) {
				t.Fatalf("shard %d/%d yields %s but does not contain it", k, n, a)
			}
			owner[a] = k
			got = append(got, a)
		}
		if uint64(len(got)) != sh.Count() {
			t.Fatalf("shard %d/%d: Count %d, yields %d", k, n, sh.Count(), len(got))
		}
		asc := slices.Collect(sh.All())
		slices.SortFunc(got, netip.Addr.Compare)
		if !slices.Equal(asc, got) {
			t.Fatalf("shard %d/%d: All and Shuffled disagree", k, n)
		}
		var fromPrefixes []netip.Addr
		for _, p := range sh.Prefixes() {
			for a := p.Addr(); p.Contains(a); a = a.Next() {
				fromPrefixes = append(fromPrefixes, a)
			}
		}
		if !slices.Equal(fromPrefixes, asc) {
			t.Fatalf("shard %d/%d: Prefixes cover %d addresses, want %d", k, n, len(fromPrefixes), len(asc))
		}
		minSize, maxSize = min(minSize, sh.Count()), max(maxSize, sh.Count())
	}
	if uint64(len(owner)) != ts.Count() {
		t.Fatalf("seed %d, %d shards: cover %d of %d addresses", seed, n, len(owner), ts.Count())
	}
	if maxSize-minSize > 1 {
		t.Fatalf("seed %d, %d shards: sizes from %d to %d, want within one", seed, n, minSize, maxSize)
	}
	for a := range ts.All() {
		for k := range n {
			sh, _ := ts.Shard(Shard{K: k, N: n, Seed: seed})
			if sh.Contains(a) != (owner[a] == k) {
				t.Fatalf("shard %d/%d: Contains(%s) = %v, owner is %d", k, n, a, !(owner[a] == k), owner[a])
			}
		}
	}
}

func TestShardPartitionsTheSet(t *testing.T) {
	sets := [][]string{
		{"10.0.0.0/24"},
		{"10.0.0.1"},
		{"10.0.0.0/30", "10.0.1.7-9", "192.168.5.0/29"},
		{"10.0.0.0/28", "2001:db8::/124", "2001:db8:1::5"},
	}
	for _, specs := range sets {
		ts, err := ParseTargets(specs, []string{"10.0.0.3"}, TargetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []uint64{1, 2, 3, 4, 7, 300} {
			for _, seed := range []uint64{0, 1, 0xdeadbeef} {
				t.Run(fmt.Sprintf("%v/%d/%d", specs, n, seed), func(t *testing.T) {
					checkSplit(t, ts, n, seed)
				})
			}
		}
	}
}

func TestShardSameSeedSameSplit(t *testing.T) {
	ts, err := ParseTargets([]string{"10.9.0.0/22"}, nil, TargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	split := func(seed uint64) []netip.Addr {
		sh, err := ts.Shard(Shard{K: 1, N: 4, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		return slices.Collect(sh.All())
	}
	a, b, c := split(42), split(42), split(43)
	if !slices.Equal(a, b) {
		t.Fatal("the same seed gave two different shards")
	}
	if slices.Equal(a, c) {
		t.Fatal("seeds 42 and 43 gave the same shard of a /22: the seed does not reach the split")
	}
	// The run's own shuffle seed orders the shard but does not change it.
	sh, _ := ts.Shard(Shard{K: 1, N: 4, Seed: 42})
	x, y := slices.Collect(sh.Shuffled(1)), slices.Collect(sh.Shuffled(2))
	if slices.Equal(x, y) {
		t.Fatal("two sweep seeds gave one probe order")
	}
	slices.SortFunc(x, netip.Addr.Compare)
	slices.SortFunc(y, netip.Addr.Compare)
	if !slices.Equal(x, a) || !slices.Equal(y, a) {
		t.Fatal("the sweep seed changed which addresses the shard holds")
	}
}

func TestPermutationInverse(t *testing.T) {
	for _, n := range []uint64{1, 2, 3, 5, 16, 17, 1000, 1 << 20} {
		p := newPermutation(n, n*7919)
		for i := uint64(0); i < min(n, 5000); i++ {
			if got := p.inverse(p.index(i)); got != i {
				t.Fatalf("n=%d: inverse(index(%d)) = %d", n, i, got)
			}
		}
	}
}

func TestParseShard(t *testing.T) {
	good := map[string]Shard{"0/1": {K: 0, N: 1}, "3/4": {K: 3, N: 4}, " 2 / 9 ": {K: 2, N: 9}}
	for in, want := range good {
		got, err := ParseShard(in)
		if err != nil || got != want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "4/4", "1/0", "-1/4", "a/b", "1", "1/2/3", "0x1/4"} {
		if got, err := ParseShard(in); err == nil {
			t.Errorf("ParseShard(%q) = %v, want an error", in, got)
		}
	}
}

func TestShardFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cases := []struct {
		env     map[string]string
		want    Shard
		wantErr bool
	}{
		{env: map[string]string{}, want: Shard{}},
		{env: map[string]string{EnvShardIndex: "2", EnvShardCount: "5"}, want: Shard{K: 2, N: 5}},
		{env: map[string]string{EnvShardIndex: "2"}, wantErr: true},
		{env: map[string]string{EnvShardCount: "5"}, wantErr: true},
		{env: map[string]string{EnvShardIndex: "5", EnvShardCount: "5"}, wantErr: true},
	}
	for _, c := range cases {
		got, err := ShardFromEnv(env(c.env))
		if (err != nil) != c.wantErr || (!c.wantErr && got != c.want) {
			t.Errorf("ShardFromEnv(%v) = %v, %v; want %v (error %v)", c.env, got, err, c.want, c.wantErr)
		}
	}
}

// FuzzShard checks the partition on arbitrary ranges, shard counts and seeds.
func FuzzShard(f *testing.F) {
	f.Add(uint32(0x0a000000), uint16(255), uint8(4), uint64(0))
	f.Add(uint32(0xfffffff0), uint16(15), uint8(3), uint64(99))
	f.Add(uint32(1), uint16(0), uint8(1), uint64(7))
	f.Fuzz(func(t *testing.T, start uint32, length uint16, n uint8, seed uint64) {
		if n == 0 {
			n = 1
		}
		lo := netip.AddrFrom4([4]byte{byte(start >> 24), byte(start >> 16), byte(start >> 8), byte(start)})
		end := uint64(start) + uint64(length%1024)
		hi := uint32(min(end, 0xffffffff))
		hiAddr := netip.AddrFrom4([4]byte{byte(hi >> 24), byte(hi >> 16), byte(hi >> 8), byte(hi)})
		ts, err := ParseTargets([]string{lo.String() + "-" + hiAddr.String()}, nil, TargetOptions{})
		if err != nil {
			t.Fatalf("parse %s-%s: %v", lo, hiAddr, err)
		}
		owner := map[netip.Addr]bool{}
		var sizes []uint64
		for k := range uint64(n) {
			sh, err := ts.Shard(Shard{K: k, N: uint64(n), Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, sh.Count())
			for a := range sh.Shuffled(seed) {
				if owner[a] || !ts.Contains(a) || !sh.Contains(a) {
					t.Fatalf("shard %d/%d: %s repeated or outside the set", k, n, a)
				}
				owner[a] = true
			}
		}
		if uint64(len(owner)) != ts.Count() {
			t.Fatalf("%d shards cover %d of %d", n, len(owner), ts.Count())
		}
		if slices.Max(sizes)-slices.Min(sizes) > 1 {
			t.Fatalf("unbalanced: %v", sizes)
		}
	})
}

// TestWithoutKeepsShards leaves addresses out of a shard, as a resumed
// sweep does: the rest of the shard is unchanged (same addresses, same
// order), the ones left out never appear, and Count agrees with the walk.
func TestWithoutKeepsShards(t *testing.T) {
	set, err := ParseTargets([]string{"10.9.0.0/22"}, nil, TargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	shard, err := set.Shard(Shard{K: 1, N: 3, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	var order []netip.Addr
	for a := range shard.Shuffled(5) {
		order = append(order, a)
	}
	drop := []netip.Addr{order[0], order[10], order[len(order)-1], netip.MustParseAddr("192.0.2.1")}
	rest := shard.Without(drop)
	if got, want := rest.Count(), shard.Count()-3; got != want {
		t.Fatalf("Count after leaving 3 of the shard's addresses out = %d, want %d", got, want)
	}
	var got []netip.Addr
	for a := range rest.Shuffled(5) {
		got = append(got, a)
	}
	var want []netip.Addr
	for _, a := range order {
		if a != order[0] && a != order[10] && a != order[len(order)-1] {
			want = append(want, a)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("order after Without differs: %d addresses, want %d", len(got), len(want))
	}
	if rest.Contains(order[10]) || !rest.Contains(order[1]) {
		t.Error("Contains disagrees with Without")
	}
	n := 0
	for a := range rest.All() {
		if a == order[0] {
			t.Errorf("All yields %s, which was left out", a)
		}
		n++
	}
	if uint64(n) != rest.Count() {
		t.Errorf("All yields %d addresses, Count says %d", n, rest.Count())
	}
	var fromPrefixes uint64
	for _, p := range rest.Prefixes() {
		fromPrefixes += uint64(1) << (32 - p.Bits())
	}
	if fromPrefixes != rest.Count() {
		t.Errorf("Prefixes cover %d addresses, Count says %d", fromPrefixes, rest.Count())
	}
	if _, err := set.Without(drop[:1]).Shard(Shard{K: 0, N: 2}); err == nil {
		t.Error("sharding a set with addresses left out: no error")
	}
}
