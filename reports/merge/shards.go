package merge

import (
	"fmt"
	"strings"

	"github.com/mfpscan/mfpscan/facts"
)

// sweepKey identifies one sharded sweep: the shards of one sweep share the
// shard count, the seed and the target list, so shards of two different
// sweeps of a site are checked apart.
type sweepKey struct {
	n, seed  uint64
	targets  string
	excludes string
}

// shardSet records which shards of each sweep a site's inputs cover.
type shardSet map[sweepKey]map[uint64]string // shard K → input directory

// add records an input's shard; the same shard of one sweep twice is an
// error (its devices would be counted twice, or, when it found none, the
// mistake would go unseen).
func (s shardSet) add(site, dir string, scan facts.Scan) error {
	sh := scan.Shard
	if sh == nil {
		return nil
	}
	k := sweepKey{n: sh.N, seed: sh.Seed, targets: strings.Join(scan.Targets, " "), excludes: strings.Join(scan.Excludes, " ")}
	if s[k] == nil {
		s[k] = map[uint64]string{}
	}
	if prev, dup := s[k][sh.K]; dup {
		return badInput("merge: site %s: shard %d/%d (seed %d) is given twice: %s and %s", site, sh.K, sh.N, sh.Seed, prev, dir)
	}
	s[k][sh.K] = dir
	return nil
}

// complete checks that every sweep has all its shards; a missing one would
// leave part of the address range unswept while the merged report looks
// whole.
func (s shardSet) complete(site string) error {
	for k, got := range s {
		var missing []string
		for i := range k.n {
			if _, ok := got[i]; !ok {
				missing = append(missing, fmt.Sprintf("%d/%d", i, k.n))
			}
			if len(missing) == 10 {
				missing = append(missing, "…")
				break
			}
		}
		if len(missing) > 0 {
			return badInput("merge: site %s: the sweep of %s (seed %d) is missing shard(s) %s; merge every shard of it", site, k.targets, k.seed, strings.Join(missing, ", "))
		}
	}
	return nil
}
