package scanner

import (
	"errors"
	"fmt"

	"github.com/gosnmp/gosnmp"
)

// oidSysDescr is the object every SNMP agent serves; a GET of it is the
// cheapest request that any community-accepting agent answers.
const oidSysDescr = ".1.3.6.1.2.1.1.1.0"

// maxSNMPDatagram caps what is read and decoded from one reply.
const maxSNMPDatagram = 4096

// snmpReply is what the discovery probe learns from one datagram.
type snmpReply struct {
	Version gosnmp.SnmpVersion
	PDU     gosnmp.PDUType
	// ID is the request ID (v1/v2c) or message ID (v3) the agent echoed.
	ID uint32
}

// snmpRequests builds the datagrams of one SNMP discovery probe: a GET of
// sysDescr per community for v2c and v1, then an SNMPv3 discovery request
// (empty user, reportable, no auth) that v3-only agents answer with a
// usmStatsUnknownEngineIDs report. All share the request ID id, which
// replies must echo. The datagrams carry community strings: callers must
// never log them.
func snmpRequests(communities []string, id uint32) ([][]byte, error) {
	var out [][]byte
	for _, v := range []gosnmp.SnmpVersion{gosnmp.Version2c, gosnmp.Version1} {
		for _, c := range communities {
			if len(c) > 127 {
				return nil, errors.New("build snmp request: community longer than 127 bytes")
			}
			p := &gosnmp.SnmpPacket{
				Version:   v,
				Community: c,
				PDUType:   gosnmp.GetRequest,
				RequestID: id,
				Variables: []gosnmp.SnmpPDU{{Name: oidSysDescr, Type: gosnmp.Null}},
			}
			b, err := p.MarshalMsg()
			if err != nil {
				// The error text may quote the packet; keep the community out.
				return nil, fmt.Errorf("build snmp %s request: marshal failed", v)
			}
			out = append(out, b)
		}
	}
	v3 := &gosnmp.SnmpPacket{
		Version:            gosnmp.Version3,
		MsgFlags:           gosnmp.NoAuthNoPriv | gosnmp.Reportable,
		SecurityModel:      gosnmp.UserSecurityModel,
		SecurityParameters: &gosnmp.UsmSecurityParameters{},
		PDUType:            gosnmp.GetRequest,
		MsgID:              id,
		RequestID:          id,
		MsgMaxSize:         maxSNMPDatagram,
	}
	b, err := v3.MarshalMsg()
	if err != nil {
		return nil, fmt.Errorf("build snmp v3 discovery request: %w", err)
	}
	return append(out, b), nil
}

// parseSNMPReply decodes one datagram and reports whether it is an SNMP
// response or report. It is pure and never panics: the decoder is a
// third-party library, so a panic on hostile input is turned into an error.
func parseSNMPReply(b []byte) (r snmpReply, err error) {
	if len(b) == 0 {
		return r, errors.New("parse snmp reply: empty datagram")
	}
	if len(b) > maxSNMPDatagram {
		return r, fmt.Errorf("parse snmp reply: %d bytes exceeds %d", len(b), maxSNMPDatagram)
	}
	defer func() {
		if p := recover(); p != nil {
			r, err = snmpReply{}, fmt.Errorf("parse snmp reply: decoder panic: %v", p)
		}
	}()
	dec := &gosnmp.GoSNMP{Version: gosnmp.Version2c}
	if isV3(b) {
		dec = &gosnmp.GoSNMP{
			Version:       gosnmp.Version3,
			SecurityModel: gosnmp.UserSecurityModel,
			MsgFlags:      gosnmp.NoAuthNoPriv,
			// The decoder validates its own settings before decoding; the
			// name is a placeholder that is never sent.
			SecurityParameters: &gosnmp.UsmSecurityParameters{UserName: "decoder"},
		}
	}
	p, err := dec.SnmpDecodePacket(b)
	if err != nil {
		return snmpReply{}, fmt.Errorf("parse snmp reply: %w", err)
	}
	switch p.PDUType {
	case gosnmp.GetResponse, gosnmp.Report:
	default:
		return snmpReply{}, fmt.Errorf("parse snmp reply: unexpected PDU %s", p.PDUType)
	}
	r = snmpReply{Version: p.Version, PDU: p.PDUType, ID: p.RequestID}
	if p.Version == gosnmp.Version3 {
		r.ID = p.MsgID
	}
	return r, nil
}

// isV3 peeks at the version field: SEQUENCE, length, INTEGER 1 byte = 3.
func isV3(b []byte) bool {
	if len(b) < 2 || b[0] != 0x30 {
		return false
	}
	i := 2
	if b[1]&0x80 != 0 {
		i += int(b[1] & 0x7f)
	}
	return len(b) > i+2 && b[i] == 0x02 && b[i+1] == 0x01 && b[i+2] == 3
}
