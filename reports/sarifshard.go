package reports

import "github.com/mfpscan/mfpscan/facts"

// runProperties records the part of a split sweep the run covered in the
// SARIF run's property bag, as facts and findings.json do in their scan
// section, so a reader of the SARIF alone can tell a shard from a whole
// sweep. Nil (no bag) for an unsharded run.
func runProperties(s facts.Scan) map[string]any {
	if s.Shard == nil {
		return nil
	}
	return map[string]any{"shard": map[string]uint64{"k": s.Shard.K, "n": s.Shard.N, "seed": s.Shard.Seed}}
}
