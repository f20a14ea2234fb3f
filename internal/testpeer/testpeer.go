// Package testpeer decides what a test does when a real peer it runs (nmap,
// snmpd, ippeveprinter, openssl, sslscan, chromium, the SARIF Multitool, root
// privileges, PostgreSQL) is missing.
//
// A contributor's plain `go test ./...` skips such a test and names the peer.
// The full suite (scripts/test.sh, and so CI) sets MFPSCAN_REQUIRE_PEERS=1, and
// there a missing peer fails the test: a peer that is not installed must never
// turn into a silent skip where the suite is meant to prove the integration.
package testpeer

import (
	"os"
	"os/exec"
	"testing"
)

// EnvRequire, set to 1, turns every missing peer into a test failure.
const EnvRequire = "MFPSCAN_REQUIRE_PEERS"

// Required reports whether missing peers fail tests instead of skipping them.
func Required() bool { return os.Getenv(EnvRequire) == "1" }

// Missing stops the test because peer is unavailable: a failure when peers are
// required, otherwise a skip that names the peer and how to install it.
func Missing(t testing.TB, peer, install string, err error) {
	t.Helper()
	if Required() {
		t.Fatalf("peer %s missing (%s): %v", peer, install, err)
	}
	t.Skipf("skipped: peer %s missing (%s; set %s=1 to fail instead): %v", peer, install, EnvRequire, err)
}

// Path returns the path of program, or stops the test through Missing.
// install names what provides it, such as "Debian package nmap".
func Path(t testing.TB, program, install string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	if err != nil {
		Missing(t, program, install, err)
	}
	return p
}

// File returns path when it exists, or stops the test through Missing; for
// peers found by absolute path rather than on PATH (such as /usr/sbin/snmpd).
func File(t testing.TB, path, install string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		Missing(t, path, install, err)
	}
	return path
}

// Root stops the test unless it runs as root; why says what needs it.
func Root(t testing.TB, why string) {
	t.Helper()
	if os.Geteuid() != 0 {
		Missing(t, "root", why, os.ErrPermission)
	}
}
