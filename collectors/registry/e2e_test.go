package registry

import (
	"context"
	"math/rand/v2"
	"net"
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testpeer"

	"github.com/mfpscan/mfpscan/internal/testnet"
)

// TestEngineAgainstSnmpdAndFTP runs the default registry through the engine
// against net-snmp's snmpd (configured as an iR-ADV C5535 III with firmware
// 47.07) and an FTP greeting on loopback, and checks the fused result.
func TestEngineAgainstSnmpdAndFTP(t *testing.T) {
	snmpAddr, snmpPort := startSnmpd(t, `rocommunity public default
sysDescr Canon iR-ADV C5535 III /P
sysObjectID .1.3.6.1.4.1.1602.4.7
override .1.3.6.1.4.1.1602.1.1.1.1.0 octet_str "iR-ADV C5535 III"
override .1.3.6.1.4.1.1602.1.1.1.4.0 octet_str "47.07"
override .1.3.6.1.4.1.1602.1.2.1.8.1.3.1.1 octet_str "2TQ01234"
`)
	ftpPort := ftpGreeter(t, snmpAddr, "220 Canon iR-ADV C5535 FTP Print Server V1.40 ready.\r\n")

	opts := collectors.Options{Timeout: 500 * time.Millisecond}
	cs, as := Default(opts)
	e := collectors.NewEngine(opts, cs, as, nil)
	roles := collectors.Roles{TCP: map[int]string{ftpPort: collectors.RoleFTP}, SNMPPort: snmpPort}
	target := &collectors.Target{
		Addr:  snmpAddr,
		Ports: []facts.Port{{Port: ftpPort, Protocol: "tcp", State: "open"}, {Port: snmpPort, Protocol: "udp", State: "open"}},
		Roles: roles,
	}
	doc := e.Collect(context.Background(), target)

	id := doc.Identity
	checks := []struct {
		what, got, want string
	}{
		{"vendor", attr(id.Vendor), "Canon"},
		{"family", attr(id.Family), "imageRUNNER ADVANCE"},
		{"model", attr(id.Model), "iR-ADV C5535 III"},
		{"serial", attr(id.Serial), "2TQ01234"},
		{"device id", id.DeviceID, "serial:2TQ01234"},
		{"firmware", doc.Firmware.Version, "47.07"},
		{"advisory status", doc.Firmware.AdvisoryStatus, "vulnerable"},
		{"snmp status", string(doc.Collectors["snmp"].Status), "ok"},
		{"banner status", string(doc.Collectors["banner"].Status), "ok"},
		{"fingerprint status", string(doc.Collectors["fingerprint"].Status), "ok"},
		{"advisories status", string(doc.Collectors["advisories"].Status), "ok"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	if id.IsPrinter == nil || !*id.IsPrinter || id.IsMFP == nil || !*id.IsMFP {
		t.Errorf("is_printer/is_mfp = %v/%v, want true/true", id.IsPrinter, id.IsMFP)
	}
	if len(doc.Firmware.Advisories) != 1 || doc.Firmware.Advisories[0].ID != "CP2025-004" {
		t.Errorf("advisories = %+v, want CP2025-004", doc.Firmware.Advisories)
	}
	foundFTP := false
	for _, c := range doc.Cleartext {
		if c.Service == "ftp" && c.Port == ftpPort {
			foundFTP = true
		}
	}
	if !foundFTP {
		t.Errorf("cleartext = %v, want ftp on %d", doc.Cleartext, ftpPort)
	}
}

func attr(a *facts.Attribute) string {
	if a == nil {
		return ""
	}
	return a.Value
}

func ftpGreeter(t *testing.T, addr netip.Addr, greeting string) int {
	t.Helper()
	return testnet.Serve(t, netip.AddrPortFrom(addr, 0).String(), func(c net.Conn) {
		_, _ = c.Write([]byte(greeting))
		_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
		buf := make([]byte, 64)
		_, _ = c.Read(buf) // QUIT
		_, _ = c.Write([]byte("221 Bye.\r\n"))
	}).Port
}

// startSnmpd runs net-snmp's agent on a loopback address of its own (so no
// other test's agent can take the same port between the probe for a free
// port and the agent's bind) and polls it with a raw v2c GET until it
// answers. A missing binary skips or fails it (testpeer).
func startSnmpd(t *testing.T, conf string) (netip.Addr, int) {
	t.Helper()
	addr := netip.AddrFrom4([4]byte{127, 102, byte(rand.IntN(250) + 1), byte(rand.IntN(250) + 1)})
	port := testnet.FreePortOn(t, "udp", addr.String())
	// v2c GET sysDescr.0 with community "public", request ID 1.
	get := []byte("\x30\x26\x02\x01\x01\x04\x06public\xa0\x19\x02\x01\x01\x02\x01\x00\x02\x01\x00\x30\x0e\x30\x0c\x06\x08\x2b\x06\x01\x02\x01\x01\x01\x00\x05\x00")
	testpeer.Snmpd(t, netip.AddrPortFrom(addr, uint16(port)), conf, func() bool { return answers(addr, port, get) })
	return addr, port
}

func answers(addr netip.Addr, port int, msg []byte) bool {
	c, err := net.Dial("udp", net.JoinHostPort(addr.String(), strconv.Itoa(port)))
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(200 * time.Millisecond))
	if _, err := c.Write(msg); err != nil {
		return false
	}
	buf := make([]byte, 1500)
	n, err := c.Read(buf)
	return err == nil && n > 0
}
