package lab

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gosnmp/gosnmp"
)

// mibEntry is one scalar or table cell the agent serves.
type mibEntry struct {
	oid   string // dotted, no leading dot
	typ   gosnmp.Asn1BER
	value any
	key   []uint32 // parsed oid, for ordering
}

// snmpAgent answers SNMP GET, GETNEXT and GETBULK from a fixed table. It
// never implements SET: a SET gets an error PDU and changes nothing.
type snmpAgent struct {
	p        plannedDevice
	mib      []mibEntry // sorted by key
	engineID string     // SNMPv3 authoritative engine ID
	started  time.Time
	now      func() time.Time
}

// Limits that keep one datagram's work small whatever it asks for.
const (
	maxSNMPDatagram = 65535
	maxVarbinds     = 64
	maxBulkResults  = 128
)

// OIDs of the identity objects the profiles fill in.
const (
	oidSysDescr     = "1.3.6.1.2.1.1.1.0"
	oidSysObjectID  = "1.3.6.1.2.1.1.2.0"
	oidSysUpTime    = "1.3.6.1.2.1.1.3.0"
	oidSysContact   = "1.3.6.1.2.1.1.4.0"
	oidSysName      = "1.3.6.1.2.1.1.5.0"
	oidSysLocation  = "1.3.6.1.2.1.1.6.0"
	oidIfDescr1     = "1.3.6.1.2.1.2.2.1.2.1"
	oidIPAdEntAddr  = "1.3.6.1.2.1.4.20.1.1"
	oidIPAdIfIndex  = "1.3.6.1.2.1.4.20.1.2"
	oidIPAdNetMask  = "1.3.6.1.2.1.4.20.1.3"
	oidIPAdBcast    = "1.3.6.1.2.1.4.20.1.4"
	oidHrDevDescr1  = "1.3.6.1.2.1.25.3.2.1.3.1"
	oidHrDevID1     = "1.3.6.1.2.1.25.3.2.1.4.1"
	oidPrtSerial1   = "1.3.6.1.2.1.43.5.1.1.17.1"
	oidCanonModel   = "1.3.6.1.4.1.1602.1.1.1.1.0"
	oidCanonFW      = "1.3.6.1.4.1.1602.1.1.1.4.0"
	oidCanonSerial  = "1.3.6.1.4.1.1602.1.2.1.8.1.3.1.1"
	oidPPMName1     = "1.3.6.1.4.1.2699.1.2.1.2.1.1.2.1"
	oidUnknownEngID = "1.3.6.1.6.3.15.1.1.4.0"
	oidUnknownUser  = "1.3.6.1.6.3.15.1.1.3.0"
)

func newSNMPAgent(p plannedDevice, now func() time.Time) *snmpAgent {
	a := &snmpAgent{p: p, started: now(), now: now}
	id := p.id
	addr := p.addr.String()
	entries := []mibEntry{
		{oid: oidSysDescr, typ: gosnmp.OctetString, value: id.sysDescr},
		{oid: oidSysObjectID, typ: gosnmp.ObjectIdentifier, value: id.sysObjectID},
		{oid: oidSysUpTime, typ: gosnmp.TimeTicks}, // computed per request
		{oid: oidSysContact, typ: gosnmp.OctetString, value: ""},
		{oid: oidSysName, typ: gosnmp.OctetString, value: id.hostname},
		{oid: oidSysLocation, typ: gosnmp.OctetString, value: ""},
		{oid: oidIfDescr1, typ: gosnmp.OctetString, value: "eth0"},
		{oid: oidIPAdEntAddr + "." + addr, typ: gosnmp.IPAddress, value: addr},
		{oid: oidIPAdIfIndex + "." + addr, typ: gosnmp.Integer, value: 1},
		{oid: oidIPAdNetMask + "." + addr, typ: gosnmp.IPAddress, value: "255.255.255.0"},
		{oid: oidIPAdBcast + "." + addr, typ: gosnmp.Integer, value: 1},
		{oid: oidHrDevDescr1, typ: gosnmp.OctetString, value: id.makeAndModel},
		{oid: oidHrDevID1, typ: gosnmp.ObjectIdentifier, value: id.sysObjectID + ".1.99"},
		{oid: oidPrtSerial1, typ: gosnmp.OctetString, value: id.serial},
	}
	if id.vendor == "Canon" {
		entries = append(entries,
			mibEntry{oid: oidCanonModel, typ: gosnmp.OctetString, value: id.model},
			mibEntry{oid: oidCanonFW, typ: gosnmp.OctetString, value: id.firmware},
			mibEntry{oid: oidCanonSerial, typ: gosnmp.OctetString, value: id.serial},
			mibEntry{oid: oidPPMName1, typ: gosnmp.OctetString, value: id.makeAndModel},
		)
	}
	entries = append(entries, p.snmp.extra...)
	for i := range entries {
		entries[i].key = parseOID(entries[i].oid)
	}
	slices.SortFunc(entries, func(x, y mibEntry) int { return slices.Compare(x.key, y.key) })
	a.mib = entries
	// AGENT++ engine ID (RFC 3411 format, enterprise 4976, format 5 = octets),
	// as Canon's agents report; the tail is derived from the address.
	b := p.addr.As4()
	a.engineID = string([]byte{0x80, 0x00, 0x13, 0x70, 0x05, 0x00, 0x00, 0x85, b[1], b[2], b[3]})
	return a
}

// serve answers datagrams until conn is closed.
func (a *snmpAgent) serve(conn *net.UDPConn) {
	serveDatagrams(conn, maxSNMPDatagram, oneReply(a.respond))
}

// respond computes the reply to one request datagram; nil means silence
// (garbage, a disabled version, a wrong community), as real agents do.
func (a *snmpAgent) respond(req []byte) (out []byte) {
	// gosnmp's decoder is written for replies from agents; a crafted request
	// must not take the lab down with it.
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	pkt, err := (&gosnmp.GoSNMP{}).SnmpDecodePacket(req)
	if err != nil || pkt == nil {
		return nil
	}
	var reply *gosnmp.SnmpPacket
	switch pkt.Version {
	case gosnmp.Version1, gosnmp.Version2c:
		reply = a.respondCommunity(pkt)
	case gosnmp.Version3:
		reply = a.respondV3(pkt)
	}
	if reply == nil {
		return nil
	}
	b, err := reply.MarshalMsg()
	if err != nil {
		return nil
	}
	return b
}

func (a *snmpAgent) respondCommunity(pkt *gosnmp.SnmpPacket) *gosnmp.SnmpPacket {
	s := a.p.snmp
	if (pkt.Version == gosnmp.Version1 && !s.v1) || (pkt.Version == gosnmp.Version2c && !s.v2c) {
		return nil
	}
	if !slices.Contains(s.communities, pkt.Community) || len(pkt.Variables) > maxVarbinds {
		return nil
	}
	reply := &gosnmp.SnmpPacket{
		Version: pkt.Version, Community: pkt.Community, PDUType: gosnmp.GetResponse,
		RequestID: pkt.RequestID,
	}
	v1 := pkt.Version == gosnmp.Version1
	switch pkt.PDUType {
	case gosnmp.GetRequest:
		reply.Variables, reply.Error, reply.ErrorIndex = a.get(pkt.Variables, v1)
	case gosnmp.GetNextRequest:
		reply.Variables, reply.Error, reply.ErrorIndex = a.getNext(pkt.Variables, v1)
	case gosnmp.GetBulkRequest:
		if v1 {
			return nil
		}
		reply.Variables = a.getBulk(pkt.Variables, int(pkt.NonRepeaters), int(pkt.MaxRepetitions))
	case gosnmp.SetRequest:
		// Read-only by design: refuse and echo the request's varbinds.
		reply.Variables = pkt.Variables
		reply.Error, reply.ErrorIndex = gosnmp.NoAccess, 1
		if v1 {
			reply.Error = gosnmp.ReadOnly
		}
	default:
		return nil
	}
	if reply.Error != gosnmp.NoError {
		reply.Variables = pkt.Variables
	}
	return reply
}

// value returns the varbind for entry e, filling in computed objects.
func (a *snmpAgent) value(e mibEntry) gosnmp.SnmpPDU {
	v := e.value
	if e.oid == oidSysUpTime {
		v = uint32(a.now().Sub(a.started) / (10 * time.Millisecond))
	}
	return gosnmp.SnmpPDU{Name: "." + e.oid, Type: e.typ, Value: v}
}

func (a *snmpAgent) get(vars []gosnmp.SnmpPDU, v1 bool) ([]gosnmp.SnmpPDU, gosnmp.SNMPError, uint8) {
	out := make([]gosnmp.SnmpPDU, 0, len(vars))
	for i, v := range vars {
		key := parseOID(v.Name)
		j, found := slices.BinarySearchFunc(a.mib, key, func(e mibEntry, k []uint32) int { return slices.Compare(e.key, k) })
		if !found {
			if v1 {
				return nil, gosnmp.NoSuchName, uint8(i + 1)
			}
			out = append(out, gosnmp.SnmpPDU{Name: v.Name, Type: gosnmp.NoSuchObject})
			continue
		}
		out = append(out, a.value(a.mib[j]))
	}
	return out, gosnmp.NoError, 0
}

// next returns the first entry after key, or false at the end of the MIB.
func (a *snmpAgent) next(key []uint32) (mibEntry, bool) {
	j, found := slices.BinarySearchFunc(a.mib, key, func(e mibEntry, k []uint32) int { return slices.Compare(e.key, k) })
	if found {
		j++
	}
	if j >= len(a.mib) {
		return mibEntry{}, false
	}
	return a.mib[j], true
}

func (a *snmpAgent) getNext(vars []gosnmp.SnmpPDU, v1 bool) ([]gosnmp.SnmpPDU, gosnmp.SNMPError, uint8) {
	out := make([]gosnmp.SnmpPDU, 0, len(vars))
	for i, v := range vars {
		e, ok := a.next(parseOID(v.Name))
		if !ok {
			if v1 {
				return nil, gosnmp.NoSuchName, uint8(i + 1)
			}
			out = append(out, gosnmp.SnmpPDU{Name: v.Name, Type: gosnmp.EndOfMibView})
			continue
		}
		out = append(out, a.value(e))
	}
	return out, gosnmp.NoError, 0
}

func (a *snmpAgent) getBulk(vars []gosnmp.SnmpPDU, nonRep, maxRep int) []gosnmp.SnmpPDU {
	nonRep = min(max(nonRep, 0), len(vars))
	out, _, _ := a.getNext(vars[:nonRep], false)
	rest := vars[nonRep:]
	if len(rest) == 0 {
		return out
	}
	maxRep = min(max(maxRep, 0), (maxBulkResults-len(out))/len(rest))
	cursor := make([][]uint32, len(rest))
	for i, v := range rest {
		cursor[i] = parseOID(v.Name)
	}
	for range maxRep {
		for i := range rest {
			e, ok := a.next(cursor[i])
			if !ok {
				out = append(out, gosnmp.SnmpPDU{Name: "." + joinOID(cursor[i]), Type: gosnmp.EndOfMibView})
				continue
			}
			cursor[i] = e.key
			out = append(out, a.value(e))
		}
	}
	return out
}

// respondV3 implements only what an agent without configured users does:
// discovery (RFC 3414 §4) gets the engine ID in a usmStatsUnknownEngineIDs
// report; any request naming the engine gets usmStatsUnknownUserNames.
func (a *snmpAgent) respondV3(pkt *gosnmp.SnmpPacket) *gosnmp.SnmpPacket {
	if !a.p.snmp.v3 || pkt.SecurityModel != gosnmp.UserSecurityModel {
		return nil
	}
	usm, ok := pkt.SecurityParameters.(*gosnmp.UsmSecurityParameters)
	if !ok {
		return nil
	}
	counter := oidUnknownEngID
	if usm.AuthoritativeEngineID == a.engineID {
		counter = oidUnknownUser
	}
	elapsed := a.now().Sub(a.started)
	return &gosnmp.SnmpPacket{
		Version:       gosnmp.Version3,
		MsgID:         pkt.MsgID,
		MsgMaxSize:    maxSNMPDatagram,
		MsgFlags:      gosnmp.NoAuthNoPriv,
		SecurityModel: gosnmp.UserSecurityModel,
		SecurityParameters: &gosnmp.UsmSecurityParameters{
			AuthoritativeEngineID:    a.engineID,
			AuthoritativeEngineBoots: 1,
			AuthoritativeEngineTime:  uint32(max(elapsed/time.Second, 0)),
			UserName:                 usm.UserName,
		},
		ContextEngineID: a.engineID,
		ContextName:     pkt.ContextName,
		PDUType:         gosnmp.Report,
		RequestID:       pkt.RequestID,
		Variables:       []gosnmp.SnmpPDU{{Name: "." + counter, Type: gosnmp.Counter32, Value: uint32(1)}},
	}
}

// parseOID turns "1.3.6" or ".1.3.6" into numbers; a malformed arc sorts as
// 0 rather than failing, since lookups of garbage simply find nothing.
func parseOID(s string) []uint32 {
	s = strings.TrimPrefix(s, ".")
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ".")
	out := make([]uint32, len(parts))
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 32)
		if err == nil {
			out[i] = uint32(n)
		}
	}
	return out
}

func joinOID(k []uint32) string {
	var b strings.Builder
	for i, n := range k {
		if i > 0 {
			b.WriteByte('.')
		}
		fmt.Fprintf(&b, "%d", n)
	}
	return b.String()
}
