// Package labtest starts the simulated lab fleet for the tests of the
// packages that scan it.
package labtest

import (
	"context"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/mfpscan/mfpscan/lab"
)

// Start runs a fleet of profiles (the default fleet when none are given) on
// a loopback /24 and a port offset picked at random, so that parallel test
// binaries and a running `mfpscan lab` do not clash; an address or port
// already taken makes it try another place, five in all, before it fails
// the test. The fleet is closed when the test ends.
func Start(t testing.TB, profiles ...string) (*lab.Fleet, lab.Config) {
	t.Helper()
	var lastErr error
	for range 5 {
		cfg := lab.Config{
			Subnet:     netip.PrefixFrom(netip.AddrFrom4([4]byte{127, 90 + byte(rand.IntN(60)), byte(rand.IntN(250)), 0}), 24),
			PortOffset: 10000 + 500*rand.IntN(16), // keeps 47546 (Canon dedicated port) under 65536
			Profiles:   profiles,
		}
		fleet, err := lab.Start(context.Background(), cfg)
		if err == nil {
			t.Cleanup(func() { _ = fleet.Close() })
			return fleet, cfg
		}
		lastErr = err
	}
	t.Fatalf("start lab: %v", lastErr)
	return nil, lab.Config{}
}
