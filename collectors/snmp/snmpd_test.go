package snmp

import (
	"context"
	"net"
	"net/netip"
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

// startSnmpd runs net-snmp's agent on 127.0.0.1 with the given config lines
// and waits until ready answers true. The tests run the real agent, because
// they are what show the collector against the agent users meet; a missing
// binary skips them by hand and fails them in the full suite (testpeer).
func startSnmpd(t *testing.T, conf string, ready func(port int) bool) int {
	t.Helper()
	port := testnet.FreePort(t, "udp")
	at := netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), uint16(port))
	testpeer.Snmpd(t, at, conf, func() bool { return ready(port) })
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
