package snmp

import (
	"cmp"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gosnmp/gosnmp"
)

// agent is a small in-test SNMP responder on 127.0.0.1:0, built from gosnmp's
// encoder and decoder. It answers GET and GETNEXT for the communities and
// versions it accepts, answers the v3 discovery probe with a Report, and
// records every request so tests can assert that nothing but reads was sent.
type agent struct {
	t           *testing.T
	conn        *net.UDPConn
	communities map[string]bool
	versions    map[gosnmp.SnmpVersion]bool
	engineID    string // empty: v3 probes are ignored
	values      map[string]gosnmp.SnmpPDU
	oids        []string // sorted numerically, for GETNEXT
	garbage     []byte   // when set, every request is answered with these bytes

	mu       sync.Mutex
	pduTypes []gosnmp.PDUType
	seenComm []string
}

func newAgent(t *testing.T, values []gosnmp.SnmpPDU) *agent {
	t.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatalf("listen udp: %v", err)
	}
	a := &agent{t: t, conn: conn, communities: map[string]bool{}, versions: map[gosnmp.SnmpVersion]bool{}, values: map[string]gosnmp.SnmpPDU{}}
	for _, v := range values {
		a.values[v.Name] = v
		a.oids = append(a.oids, v.Name)
	}
	slices.SortFunc(a.oids, compareOID)
	t.Cleanup(func() { conn.Close() })
	return a
}

func (a *agent) port() int { return a.conn.LocalAddr().(*net.UDPAddr).Port }

func (a *agent) start() {
	go a.serve()
}

func (a *agent) serve() {
	buf := make([]byte, 65535)
	for {
		n, from, err := a.conn.ReadFromUDP(buf)
		if err != nil {
			return
		}
		if a.garbage != nil {
			_, _ = a.conn.WriteToUDP(a.garbage, from)
			continue
		}
		if reply := a.handle(buf[:n]); reply != nil {
			_, _ = a.conn.WriteToUDP(reply, from)
		}
	}
}

func (a *agent) handle(data []byte) []byte {
	v3 := &gosnmp.GoSNMP{Version: gosnmp.Version3, SecurityModel: gosnmp.UserSecurityModel, MsgFlags: gosnmp.NoAuthNoPriv, SecurityParameters: &gosnmp.UsmSecurityParameters{UserName: "agent"}}
	if versionOf(data) == int(gosnmp.Version3) {
		req, err := v3.SnmpDecodePacket(data)
		if err != nil || a.engineID == "" {
			return nil
		}
		a.note(req.PDUType, "")
		return a.report(req)
	}
	req, err := (&gosnmp.GoSNMP{Version: gosnmp.Version2c}).SnmpDecodePacket(data)
	if err != nil {
		return nil
	}
	a.note(req.PDUType, req.Community)
	if !a.versions[req.Version] || !a.communities[req.Community] {
		return nil
	}
	resp := &gosnmp.SnmpPacket{Version: req.Version, Community: req.Community, PDUType: gosnmp.GetResponse, RequestID: req.RequestID}
	for i, v := range req.Variables {
		pdu, ok := a.lookup(req.PDUType, strings.TrimPrefix(v.Name, "."))
		if !ok && req.Version == gosnmp.Version1 {
			resp.Error, resp.ErrorIndex = gosnmp.NoSuchName, uint8(i+1)
			resp.Variables = req.Variables
			break
		}
		resp.Variables = append(resp.Variables, pdu)
	}
	out, err := resp.MarshalMsg()
	if err != nil {
		a.t.Errorf("agent: marshal reply: %v", err)
		return nil
	}
	return out
}

func (a *agent) note(pdu gosnmp.PDUType, community string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.pduTypes = append(a.pduTypes, pdu)
	a.seenComm = append(a.seenComm, community)
}

// seen returns copies of the PDU types and communities received so far.
func (a *agent) seen() ([]gosnmp.PDUType, []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.pduTypes), slices.Clone(a.seenComm)
}

func (a *agent) lookup(pdu gosnmp.PDUType, oid string) (gosnmp.SnmpPDU, bool) {
	if pdu == gosnmp.GetNextRequest {
		for _, o := range a.oids {
			if compareOID(o, oid) > 0 {
				return a.values[o], true
			}
		}
		return gosnmp.SnmpPDU{Name: oid, Type: gosnmp.EndOfMibView}, false
	}
	if v, ok := a.values[oid]; ok {
		return v, true
	}
	return gosnmp.SnmpPDU{Name: oid, Type: gosnmp.NoSuchObject}, false
}

func (a *agent) report(req *gosnmp.SnmpPacket) []byte {
	resp := &gosnmp.SnmpPacket{
		Version: gosnmp.Version3, MsgFlags: gosnmp.NoAuthNoPriv, SecurityModel: gosnmp.UserSecurityModel,
		SecurityParameters: &gosnmp.UsmSecurityParameters{AuthoritativeEngineID: a.engineID, AuthoritativeEngineBoots: 3, AuthoritativeEngineTime: 1200},
		MsgID:              req.MsgID, RequestID: req.RequestID, MsgMaxSize: 65507, PDUType: gosnmp.Report,
		Variables: []gosnmp.SnmpPDU{{Name: ".1.3.6.1.6.3.15.1.1.4.0", Type: gosnmp.Counter32, Value: uint32(1)}},
	}
	out, err := resp.MarshalMsg()
	if err != nil {
		a.t.Errorf("agent: marshal report: %v", err)
		return nil
	}
	return out
}

func compareOID(x, y string) int {
	xs, ys := strings.Split(strings.TrimPrefix(x, "."), "."), strings.Split(strings.TrimPrefix(y, "."), ".")
	for i := 0; i < len(xs) && i < len(ys); i++ {
		xi, _ := strconv.Atoi(xs[i])
		yi, _ := strconv.Atoi(ys[i])
		if c := cmp.Compare(xi, yi); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(xs), len(ys))
}

// versionOf reads the version INTEGER at the head of an SNMP message, or -1.
func versionOf(data []byte) int {
	if len(data) < 2 || data[0] != 0x30 {
		return -1
	}
	off := 2
	if data[1] > 0x80 {
		off += int(data[1] & 0x7f)
	}
	if len(data) < off+3 || data[off] != 2 || data[off+1] != 1 {
		return -1
	}
	return int(data[off+2])
}
