package testpeer

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// SnmpdPath is where Debian's snmpd package installs net-snmp's agent.
const SnmpdPath = "/usr/sbin/snmpd"

// Snmpd runs net-snmp's agent in the foreground on the UDP address at, with
// the config lines conf, and polls ready until the agent answers (at most
// 10 s); the agent is killed when the test ends. No MIB is loaded and the
// agent's state stays in a temporary directory. A missing binary is a
// missing peer.
func Snmpd(t testing.TB, at netip.AddrPort, conf string, ready func() bool) {
	t.Helper()
	File(t, SnmpdPath, "Debian package snmpd")
	dir := t.TempDir()
	confPath := filepath.Join(dir, "snmpd.conf")
	if err := os.WriteFile(confPath, []byte(fmt.Sprintf("agentAddress udp:%s\n%s", at, conf)), 0o600); err != nil {
		t.Fatalf("write snmpd.conf: %v", err)
	}
	var logs bytes.Buffer
	cmd := exec.Command(SnmpdPath, "-f", "-Lo", "-C", "-c", confPath, "-M", dir, "-m", "")
	cmd.Env = append(os.Environ(), "SNMP_PERSISTENT_DIR="+dir, "SNMPCONFPATH="+dir, "MIBDIRS="+dir)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start snmpd: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	deadline := time.Now().Add(10 * time.Second)
	for !ready() {
		select {
		case err := <-exited:
			t.Fatalf("snmpd exited: %v\n%s", err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("snmpd not ready after 10s:\n%s", logs.String())
		}
	}
}
