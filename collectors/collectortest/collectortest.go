// Package collectortest builds what the tests of every collector package
// need to run one collector against a loopback server: a target whose open
// ports carry roles, and an environment that can dial loopback only.
package collectortest

import (
	"maps"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testnet"
)

// Target is 127.0.0.1 with each TCP port of roles open in its role, the
// ports in ascending order as discovery reports them.
func Target(roles map[int]string) *collectors.Target {
	t := &collectors.Target{Addr: netip.MustParseAddr("127.0.0.1"), Roles: collectors.Roles{TCP: roles}}
	for _, p := range slices.Sorted(maps.Keys(roles)) {
		t.Ports = append(t.Ports, facts.Port{Port: p, Protocol: "tcp", State: "open"})
	}
	return t
}

// Env waits at most timeout for one exchange and fails the test on a dial
// to anything but loopback.
func Env(t testing.TB, timeout time.Duration) *collectors.Env {
	return &collectors.Env{Dialer: testnet.NewLoopbackDialer(t), Options: collectors.Options{Timeout: timeout}}
}
