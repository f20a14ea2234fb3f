package snmp

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfmt"
	"github.com/mfpscan/mfpscan/internal/testnet"
	"github.com/mfpscan/mfpscan/internal/testpeer"
)

// snmpdPath is net-snmp's agent. The tests run it for real, because they are
// what show the collector against the agent users meet; a missing binary
// skips them by hand and fails them in the full suite (testpeer).
const snmpdPath = "/usr/sbin/snmpd"

// startSnmpd runs snmpd in the foreground on 127.0.0.1 with the given config
// lines and waits until ready answers true.
func startSnmpd(t *testing.T, conf string, ready func(port int) bool) int {
	t.Helper()
	testpeer.File(t, snmpdPath, "Debian package snmpd")
	dir := t.TempDir()
	port := testnet.FreePort(t, "udp")
	conf = fmt.Sprintf("agentAddress udp:127.0.0.1:%d\n%s", port, conf)
	confPath := filepath.Join(dir, "snmpd.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatalf("write snmpd.conf: %v", err)
	}
	var logs bytes.Buffer
	cmd := exec.Command(snmpdPath, "-f", "-Lo", "-C", "-c", confPath, "-M", dir, "-m", "")
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
	for !ready(port) {
		select {
		case err := <-exited:
			t.Fatalf("snmpd exited: %v\n%s", err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("snmpd not ready after 10s:\n%s", logs.String())
		}
	}
	return port
}

// probe sends one request through a fresh session; used to poll readiness.
func probe(port int, build func(s *session) (*request, error)) bool {
	d := collectors.NewDialer(200*time.Millisecond, 1)
	conn, err := d.DialContext(context.Background(), "udp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	defer conn.Close()
	s := newSession(conn, 200*time.Millisecond, 0)
	r, err := build(s)
	if err != nil {
		return false
	}
	return s.exchange(context.Background(), []*request{r}) == nil && r.reply != nil
}

func TestSnmpdCommunity(t *testing.T) {
	conf := `rocommunity public 127.0.0.1
sysDescr Canon iR-ADV C5535 III /P
sysObjectID .1.3.6.1.4.1.1602.4.7
sysName mfp-lab
`
	port := startSnmpd(t, conf, func(port int) bool {
		return probe(port, func(s *session) (*request, error) {
			return s.communityRequest(gosnmp.Version2c, "public", gosnmp.GetRequest, []string{OIDSysDescr})
		})
	})
	out := collectOK(t, port, collectors.Options{Timeout: 500 * time.Millisecond})
	s := out.SNMP
	if testfmt.Bool(s.V1) != "true" || testfmt.Bool(s.V2c) != "true" || testfmt.Bool(s.V3) != "true" {
		t.Errorf("versions v1=%s v2c=%s v3=%s, want all true (snmpd answers v3 discovery too)", testfmt.Bool(s.V1), testfmt.Bool(s.V2c), testfmt.Bool(s.V3))
	}
	if len(s.CommunitiesAccepted) != 1 || s.CommunitiesAccepted[0] != "public" {
		t.Errorf("communities accepted = %v, want [public]", s.CommunitiesAccepted)
	}
	if s.SysDescr != "Canon iR-ADV C5535 III /P" || s.SysObjectID != "1.3.6.1.4.1.1602.4.7" || s.SysName != "mfp-lab" {
		t.Errorf("system group = %q %q %q", s.SysDescr, s.SysObjectID, s.SysName)
	}
	// net-snmp's engine ID carries its own enterprise, 8072.
	if s.EngineEnterprise != 8072 || s.EngineID == "" {
		t.Errorf("engine = %q enterprise %d, want net-snmp 8072", s.EngineID, s.EngineEnterprise)
	}
	found := false
	for _, i := range out.Interfaces {
		if i.Address == "127.0.0.1" && i.IPClass == facts.IPClassLoopback {
			found = true
		}
	}
	if !found {
		t.Errorf("interfaces %v lack the loopback address from ipAddrTable", out.Interfaces)
	}
}

func TestSnmpdV3Only(t *testing.T) {
	conf := `createUser mfpaudit SHA "auth-pass-123" AES "priv-pass-123"
rouser mfpaudit priv
sysDescr Canon iR-ADV C5535 III /P
`
	port := startSnmpd(t, conf, func(port int) bool {
		return probe(port, func(s *session) (*request, error) { return s.discoveryRequest() })
	})
	out := collectOK(t, port, collectors.Options{Timeout: 300 * time.Millisecond})
	s := out.SNMP
	// No community answered: v1/v2c may be on with a community not tried,
	// so they stay unknown (issue 12).
	if s.V1 != nil || s.V2c != nil || testfmt.Bool(s.V3) != "true" {
		t.Errorf("versions v1=%s v2c=%s v3=%s, want nil/nil/true", testfmt.Bool(s.V1), testfmt.Bool(s.V2c), testfmt.Bool(s.V3))
	}
	if len(s.CommunitiesAccepted) != 0 || s.CommunitiesTried != 4 {
		t.Errorf("communities accepted %v tried %d, want none of 4", s.CommunitiesAccepted, s.CommunitiesTried)
	}
	if s.EngineEnterprise != 8072 || len(s.EngineID) < 10 {
		t.Errorf("engine = %q enterprise %d", s.EngineID, s.EngineEnterprise)
	}
	if s.SysDescr != "" || len(s.Values) != 0 {
		t.Errorf("identity read without an accepted community: %q %v", s.SysDescr, s.Values)
	}
}
