package lab

import (
	"bytes"
	"encoding/binary"
	"net"
	"strings"

	"github.com/gosnmp/gosnmp"
)

// oversizeBudget is the value bytes of the oversized SNMP reply: with the
// envelope it stays just under the 65507-byte UDP payload limit.
const oversizeBudget = 64000

// serveSNMP answers datagrams until conn is closed: silently for the
// tarpit, like a normal agent for the payload device, and with a burst of
// broken replies for hostile-snmp.
func (h *hostileDevice) serveSNMP(conn *net.UDPConn) {
	var seq uint64
	serveDatagrams(conn, maxSNMPDatagram, func(req []byte) [][]byte {
		h.c.requests.Add(1)
		switch h.dev.p.hostile {
		case hostileSNMP:
			seq++
			return hostileSNMPReplies(req, seq-1)
		case hostilePayloads:
			return oneReply(h.dev.agent.respond)(req)
		}
		return nil
	})
}

// hostileSNMPReplies is the pure part of the hostile agent: for one request
// it returns, in order, malformed BER (some carrying the right request ID), a
// well-formed reply with a wrong request ID, and a reply with the right ID
// that is either near 64 KiB (even seq) or has every value of the wrong type
// (odd seq). Garbage requests get nil.
func hostileSNMPReplies(req []byte, seq uint64) (out [][]byte) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	pkt, err := (&gosnmp.GoSNMP{}).SnmpDecodePacket(req)
	if err != nil || pkt == nil || len(pkt.Variables) == 0 || len(pkt.Variables) > maxVarbinds {
		return nil
	}
	version := pkt.Version
	if version == gosnmp.Version3 {
		// Answer v3 discovery in v2c: a decoder expecting v3 must cope.
		version = gosnmp.Version2c
	}
	reply := func(id uint32, vars []gosnmp.SnmpPDU) []byte {
		r := &gosnmp.SnmpPacket{Version: version, Community: pkt.Community, PDUType: gosnmp.GetResponse, RequestID: id, Variables: vars}
		b, err := r.MarshalMsg()
		if err != nil {
			return nil
		}
		return b
	}
	names := make([]string, len(pkt.Variables))
	for i, v := range pkt.Variables {
		names[i] = v.Name
	}

	wrongType := reply(pkt.RequestID, typedVars(names, gosnmp.Integer, 31337))
	lying := reply(pkt.RequestID, typedVars(names, gosnmp.OctetString, "x"))
	if i := bytes.LastIndex(lying, []byte{0x04, 0x01, 'x'}); i >= 0 {
		lying[i+1] = 0x7f // the value claims 127 bytes; the datagram ends after 1
	}
	out = append(out,
		[]byte{}, // empty datagram
		[]byte{0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x02, 0x01, 0x01}, // 2 GiB length
		bytes.Repeat([]byte{0x30, 0x80}, 4000),                       // deep indefinite-length nesting
		wrongType[:len(wrongType)/2],                                 // truncated, right request ID
		lying,                                                        // inner length overruns, right request ID
		reply(pkt.RequestID+1000, typedVars(names, gosnmp.OctetString, "wrong request id")),
	)
	if seq%2 == 0 {
		per := oversizeBudget / len(names)
		const unit = "\x1b[5mBIG\xff"
		big := []byte(strings.Repeat(unit, per/len(unit)+1))[:per]
		out = append(out, reply(pkt.RequestID, typedVars(names, gosnmp.OctetString, big)))
	} else {
		out = append(out, wrongType)
	}
	return out
}

func typedVars(names []string, typ gosnmp.Asn1BER, value any) []gosnmp.SnmpPDU {
	vars := make([]gosnmp.SnmpPDU, len(names))
	for i, n := range names {
		vars[i] = gosnmp.SnmpPDU{Name: n, Type: typ, Value: value}
	}
	return vars
}

// serveBogusIPP answers each IPP request with the next variant of
// bogusIPPBody, in a well-formed HTTP response.
func (h *hostileDevice) serveBogusIPP(c net.Conn) {
	req, err := readHead(c)
	if err != nil {
		return
	}
	h.c.requests.Add(1)
	var id uint32
	if len(req.body) >= 8 {
		id = binary.BigEndian.Uint32(req.body[4:8])
	}
	body := bogusIPPBody(int(h.seq.Add(1)-1), id)
	_ = writeAll(c, httpResponse("200 OK", "application/ipp", "", string(body)))
}

// ippVariants is the number of distinct bogusIPPBody answers.
const ippVariants = 5

// bogusIPPBody returns IPP response bodies whose lengths lie: a value
// length past the end, a name length past the end, a short value length
// followed by junk and no end tag, an integer of 3 bytes, and 150000
// additional values (well-formed, under 1 MiB, but huge in count).
func bogusIPPBody(variant int, reqID uint32) []byte {
	b := []byte{0x02, 0x00, 0x00, 0x00}
	b = binary.BigEndian.AppendUint32(b, reqID)
	attr := func(tag byte, name string, nameLen uint16, value string, valueLen uint16) {
		b = append(b, tag)
		b = binary.BigEndian.AppendUint16(b, nameLen)
		b = append(b, name...)
		b = binary.BigEndian.AppendUint16(b, valueLen)
		b = append(b, value...)
	}
	okOperation := func() {
		b = append(b, 0x01)
		attr(0x47, "attributes-charset", 18, "utf-8", 5)
		attr(0x48, "attributes-natural-language", 27, "en-us", 5)
	}
	const mm = "printer-make-and-model"
	switch variant % ippVariants {
	case 0:
		b = append(b, 0x01)
		attr(0x47, "attributes-charset", 18, "utf-8", 0xffff)
		b = append(b, 0x03)
	case 1:
		okOperation()
		b = append(b, 0x04)
		attr(0x41, "printer-make", 0xfff0, "", 0)
	case 2:
		okOperation()
		b = append(b, 0x04)
		attr(0x41, mm, uint16(len(mm)), "Canon iR-ADV \x00\xff\xfe trailing junk \x13\x37", 5)
	case 3:
		okOperation()
		b = append(b, 0x04)
		attr(0x21, "printer-state", 13, "\x00\x00\x03", 3)
		b = append(b, 0x03)
	default:
		okOperation()
		b = append(b, 0x04)
		attr(0x41, mm, uint16(len(mm)), "Canon Many Values", 17)
		for range 150000 {
			attr(0x41, "", 0, "", 0)
		}
		b = append(b, 0x03)
	}
	return b
}
