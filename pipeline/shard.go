package pipeline

import (
	"context"

	"github.com/mfpscan/mfpscan/scanner"
)

// runTargets are the addresses this run sweeps: the targets less the
// exclusions, cut to this run's shard, and loopback only with a port offset.
func runTargets(ctx context.Context, cfg Config) (*scanner.TargetSet, error) {
	targets, err := scanner.ParseTargetsContext(ctx, cfg.Targets, cfg.Excludes, scanner.TargetOptions{MaxHosts: cfg.MaxHosts, AllowLarge: cfg.AllowLarge})
	if err != nil {
		return nil, Usage(err)
	}
	if targets, err = targets.Shard(cfg.Shard); err != nil {
		return nil, Usage(err)
	}
	if err := checkLabTargets(cfg, targets); err != nil {
		return nil, err
	}
	return targets, nil
}

// checkLabTargets refuses a port-shifted sweep of anything but loopback:
// the shift exists only for the simulated lab, and a shifted sweep of a real
// network would probe ports nothing listens on and report every device
// wrongly.
func checkLabTargets(cfg Config, targets *scanner.TargetSet) error {
	if cfg.PortOffset == 0 {
		return nil
	}
	for _, p := range targets.Prefixes() {
		// Prefixes are aligned blocks, so one starting on loopback lies
		// inside 127.0.0.0/8 or is ::1.
		if !p.Addr().IsLoopback() {
			return Usagef("a port offset is for the simulated lab only; target %s is not loopback", p)
		}
	}
	return nil
}
