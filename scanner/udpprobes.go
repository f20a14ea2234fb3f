package scanner

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/porttable"
)

// UDP probe services. Each sends its datagrams once per attempt to the
// target's address only (never multicast or broadcast) and asks nothing of
// the device beyond an answer.
const (
	udpSNMP = porttable.ProbeSNMP
	udpWSD  = porttable.ProbeWSD
	udpSLP  = porttable.ProbeSLP
)

// WSDProbe is the WS-Discovery probe on 3702/udp: one unicast SOAP Probe.
func WSDProbe() UDPProbe { return UDPProbe{Port: 3702, Service: udpWSD} }

// SLPProbe is the SLPv2 probe on 427/udp: one unicast Service Request for
// service:printer.
func SLPProbe() UDPProbe { return UDPProbe{Port: 427, Service: udpSLP} }

// portService is the service name recorded in facts for an answering probe.
// It follows nmap-services so ports read the same whichever engine found
// them; the port may be shifted (lab), so it cannot be looked up by number.
func (u UDPProbe) portService() string {
	switch u.Service {
	case udpWSD:
		return "ws-discovery"
	case udpSLP:
		return "svrloc"
	case udpMDNS:
		return "mdns"
	case udpBJNPPrinter:
		return "canon-bjnp1"
	case udpBJNPScanner:
		return "canon-bjnp2"
	case udpTFTP:
		return "tftp"
	}
	return u.Service
}

func knownUDPService(s string) bool {
	return s == udpSNMP || s == udpWSD || s == udpSLP || s == udpBJNPPrinter || s == udpBJNPScanner || s == udpMDNS || s == udpTFTP
}

// udpExchange is one attempt's datagrams and the test a reply must pass.
type udpExchange struct {
	reqs     [][]byte
	match    func([]byte) bool
	maxReply int
	// identify reads identity clues from the matched reply; reply receives
	// a copy of it when set.
	identify func([]byte) []facts.IdentityHint
	reply    *[]byte
	// anyPort: the reply may come from another port of the target (a TFTP
	// server answers from its transfer ID).
	anyPort bool
}

// newUDPExchange builds fresh datagrams (new IDs) for one attempt of u.
// Errors never quote the communities.
func newUDPExchange(u UDPProbe) (udpExchange, error) {
	switch u.Service {
	case udpSNMP:
		id := randUint32() & 0x7fffffff
		reqs, err := snmpRequests(u.Communities, id)
		if err != nil {
			return udpExchange{}, err
		}
		return udpExchange{reqs: reqs, maxReply: maxSNMPDatagram,
			match: answers(parseSNMPReply, func(r snmpReply) bool { return r.ID == id })}, nil
	case udpWSD:
		id := newUUID()
		return udpExchange{reqs: [][]byte{wsdProbeMessage(id)}, maxReply: maxDiscoveryDatagram,
			// A reply relating to another message is a stale answer.
			match:    answers(parseWSDReply, func(r wsdReply) bool { return r.RelatesTo == "" || r.RelatesTo == id }),
			identify: func(b []byte) []facts.IdentityHint { return WSDHints(b, fmt.Sprintf("wsd:%d", u.Port)) }}, nil
	case udpSLP:
		xid := uint16(randUint32())
		return udpExchange{reqs: [][]byte{slpServiceRequest(xid)}, maxReply: maxDiscoveryDatagram,
			match:    answers(parseSLPReply, func(r slpReply) bool { return r.XID == xid }),
			identify: func(b []byte) []facts.IdentityHint { return SLPHints(b, fmt.Sprintf("slp:%d", u.Port)) }}, nil
	case udpMDNS:
		id := uint16(randUint32())
		return udpExchange{reqs: [][]byte{mdnsQuery(id)}, maxReply: maxMDNSDatagram,
			match: answers(ParseMDNSReply, func(r MDNSReply) bool { return r.ID == id })}, nil
	case udpTFTP:
		return udpExchange{reqs: [][]byte{tftpReadRequest(tftpProbeName())}, maxReply: maxTFTPDatagram, anyPort: true,
			match: func(b []byte) bool {
				_, err := ParseTFTPReply(b)
				return err == nil
			}}, nil
	case udpBJNPPrinter, udpBJNPScanner:
		devType := byte(bjnpPrinter)
		if u.Service == udpBJNPScanner {
			devType = bjnpScanner
		}
		seq := randUint32()
		return udpExchange{reqs: [][]byte{bjnpIdentityRequest(devType, seq)}, maxReply: maxBJNPDatagram,
			match: answers(ParseBJNPReply, func(id BJNPIdentity) bool { return id.DevType == devType }),
			identify: func(b []byte) []facts.IdentityHint {
				id, err := ParseBJNPReply(b)
				if err != nil {
					return nil
				}
				return id.Hints(fmt.Sprintf("bjnp:%d", u.Port))
			}}, nil
	}
	return udpExchange{}, fmt.Errorf("build udp probe: unsupported service %q", u.Service)
}

// answers matches a datagram that parse accepts and that ours says answers
// this attempt (its ID, sequence or device type).
func answers[R any](parse func([]byte) (R, error), ours func(R) bool) func([]byte) bool {
	return func(b []byte) bool {
		r, err := parse(b)
		return err == nil && ours(r)
	}
}

// maxDiscoveryDatagram caps what is read and parsed of one WSD or SLP
// reply. A ProbeMatches of a printer is 1-3 KiB; a longer one is not read.
const maxDiscoveryDatagram = 16 << 10

func randUint32() uint32 {
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return binary.BigEndian.Uint32(b[:])
}

// newUUID returns a random (version 4) "urn:uuid:" message ID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// WS-Discovery 2005/04 is what Windows' WSD stack and MFPs speak; 1.1
// (2009/01) is accepted in replies too.
const (
	nsSOAP12    = "http://www.w3.org/2003/05/soap-envelope"
	nsSOAP11    = "http://schemas.xmlsoap.org/soap/envelope/"
	nsWSD2005   = "http://schemas.xmlsoap.org/ws/2005/04/discovery"
	nsWSD2009   = "http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01"
	wsdProbeFmt = `<?xml version="1.0" encoding="UTF-8"?>` +
		`<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"` +
		` xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing"` +
		` xmlns:wsd="http://schemas.xmlsoap.org/ws/2005/04/discovery"` +
		` xmlns:wsdp="http://schemas.xmlsoap.org/ws/2006/02/devprof">` +
		`<soap:Header>` +
		`<wsa:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To>` +
		`<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</wsa:Action>` +
		`<wsa:MessageID>%s</wsa:MessageID>` +
		`</soap:Header>` +
		`<soap:Body><wsd:Probe><wsd:Types>wsdp:Device</wsd:Types></wsd:Probe></soap:Body>` +
		`</soap:Envelope>`
)

// wsdProbeMessage is a WS-Discovery Probe for devices (wsdp:Device), the
// message Windows sends when it looks for printers.
func wsdProbeMessage(messageID string) []byte {
	return fmt.Appendf(nil, wsdProbeFmt, messageID)
}

// wsdReply is what the probe learns from one WS-Discovery datagram.
type wsdReply struct {
	// Action is the WS-Discovery action's name: "ProbeMatches", "Hello"...
	Action    string
	RelatesTo string
	Matches   []wsdMatch
}

// wsdMatch is one ProbeMatch: the device's endpoint and what it offers.
type wsdMatch struct {
	Endpoint string
	Types    []string
	Scopes   []string
	XAddrs   []string
}

// wsdEnvelope is the subset of a SOAP envelope the probe reads. Header
// fields match in any namespace: devices use either WS-Addressing version.
type wsdEnvelope struct {
	XMLName xml.Name
	Header  struct {
		Action    string `xml:"Action"`
		RelatesTo string `xml:"RelatesTo"`
	} `xml:"Header"`
	Body struct {
		Content []struct {
			XMLName xml.Name
			Matches []struct {
				Endpoint string `xml:"EndpointReference>Address"`
				Types    string `xml:"Types"`
				Scopes   string `xml:"Scopes"`
				XAddrs   string `xml:"XAddrs"`
			} `xml:"ProbeMatch"`
		} `xml:",any"`
	} `xml:"Body"`
}

// parseWSDReply reads one datagram as a SOAP envelope carrying a
// WS-Discovery action. It is pure and bounded: the input is capped and
// encoding/xml expands no external entities.
func parseWSDReply(b []byte) (wsdReply, error) {
	if len(b) == 0 {
		return wsdReply{}, errors.New("parse wsd reply: empty datagram")
	}
	if len(b) > maxDiscoveryDatagram {
		return wsdReply{}, fmt.Errorf("parse wsd reply: %d bytes exceeds %d", len(b), maxDiscoveryDatagram)
	}
	var env wsdEnvelope
	if err := xml.NewDecoder(bytes.NewReader(b)).Decode(&env); err != nil {
		return wsdReply{}, fmt.Errorf("parse wsd reply: %w", err)
	}
	if env.XMLName.Local != "Envelope" || (env.XMLName.Space != nsSOAP12 && env.XMLName.Space != nsSOAP11) {
		return wsdReply{}, fmt.Errorf("parse wsd reply: root element {%s}%s is not a SOAP envelope", env.XMLName.Space, env.XMLName.Local)
	}
	action := strings.TrimSpace(env.Header.Action)
	name, ok := strings.CutPrefix(action, nsWSD2005+"/")
	if !ok {
		name, ok = strings.CutPrefix(action, nsWSD2009+"/")
	}
	if !ok || name == "" {
		return wsdReply{}, fmt.Errorf("parse wsd reply: action %.80q is not WS-Discovery", action)
	}
	if name == "Probe" || name == "Resolve" {
		// What a client sends: a reflected datagram is no answer.
		return wsdReply{}, fmt.Errorf("parse wsd reply: %s is a request", name)
	}
	r := wsdReply{Action: name, RelatesTo: strings.TrimSpace(env.Header.RelatesTo)}
	for _, c := range env.Body.Content {
		if c.XMLName.Local != "ProbeMatches" {
			continue
		}
		for _, m := range c.Matches {
			r.Matches = append(r.Matches, wsdMatch{
				Endpoint: strings.TrimSpace(m.Endpoint),
				Types:    fields(m.Types),
				Scopes:   fields(m.Scopes),
				XAddrs:   fields(m.XAddrs),
			})
		}
	}
	return r, nil
}

// fields splits a whitespace-separated list; nil when there is none.
func fields(s string) []string {
	if f := strings.Fields(s); len(f) > 0 {
		return f
	}
	return nil
}

// SLPv2 (RFC 2608) message functions and header layout.
const (
	slpVersion      = 2
	slpSrvRqst      = 1
	slpSrvRply      = 2
	slpDAAdvert     = 8
	slpSAAdvert     = 11
	slpHeaderFixed  = 14 // up to and including the language tag length
	slpFlagOverflow = 0x8000
)

// slpServiceRequest is a unicast SrvRqst for service:printer in scope
// DEFAULT, language "en": printers answer it with their printer URLs, and
// a unicast request is answered even when nothing matches.
func slpServiceRequest(xid uint16) []byte {
	var body []byte
	body = appendSLPString(body, "")                // previous responder list
	body = appendSLPString(body, "service:printer") // service type
	body = appendSLPString(body, "DEFAULT")         // scope list
	body = appendSLPString(body, "")                // predicate
	body = appendSLPString(body, "")                // SLP SPI
	const lang = "en"
	total := slpHeaderFixed + len(lang) + len(body)
	b := []byte{slpVersion, slpSrvRqst, byte(total >> 16), byte(total >> 8), byte(total),
		0, 0, // flags: no multicast bit, the request is unicast
		0, 0, 0, // no extensions
		byte(xid >> 8), byte(xid), 0, byte(len(lang))}
	b = append(b, lang...)
	return append(b, body...)
}

func appendSLPString(b []byte, s string) []byte {
	return append(binary.BigEndian.AppendUint16(b, uint16(len(s))), s...)
}

// slpReply is what the probe learns from one SLP datagram.
type slpReply struct {
	Function  byte
	XID       uint16
	Lang      string
	ErrorCode uint16
	// URLs are the service URLs of a SrvRply, or the agent URL of an
	// advertisement.
	URLs []string
}

// slpReader reads big-endian fields and fails once past the end.
type slpReader struct {
	b   []byte
	err error
}

func (r *slpReader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n > len(r.b) {
		r.err = errors.New("truncated")
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *slpReader) u16() uint16 {
	if b := r.take(2); b != nil {
		return binary.BigEndian.Uint16(b)
	}
	return 0
}

func (r *slpReader) str() string { return string(r.take(int(r.u16()))) }

// parseSLPReply reads one datagram as an SLPv2 SrvRply, DAAdvert or
// SAAdvert. It is pure; every length is checked against the datagram, and
// loops are bounded by its size.
func parseSLPReply(b []byte) (slpReply, error) {
	if len(b) > maxDiscoveryDatagram {
		return slpReply{}, fmt.Errorf("parse slp reply: %d bytes exceeds %d", len(b), maxDiscoveryDatagram)
	}
	if len(b) < slpHeaderFixed {
		return slpReply{}, fmt.Errorf("parse slp reply: %d bytes is shorter than the header", len(b))
	}
	if b[0] != slpVersion {
		return slpReply{}, fmt.Errorf("parse slp reply: version %d, want 2", b[0])
	}
	r := slpReply{Function: b[1], XID: binary.BigEndian.Uint16(b[10:12])}
	switch r.Function {
	case slpSrvRply, slpDAAdvert, slpSAAdvert:
	default:
		return slpReply{}, fmt.Errorf("parse slp reply: function %d is not a reply", r.Function)
	}
	length := int(b[2])<<16 | int(b[3])<<8 | int(b[4])
	if length < slpHeaderFixed || length > len(b) {
		return slpReply{}, fmt.Errorf("parse slp reply: length field %d does not fit the %d-byte datagram", length, len(b))
	}
	flags := binary.BigEndian.Uint16(b[5:7])
	rd := &slpReader{b: b[12:length]}
	r.Lang = rd.str()
	if rd.err != nil {
		return slpReply{}, errors.New("parse slp reply: language tag overruns the message")
	}
	parseSLPBody(rd, &r)
	// An overflowed reply is cut by design; what precedes the cut stands.
	if rd.err != nil && flags&slpFlagOverflow == 0 {
		return slpReply{}, fmt.Errorf("parse slp reply: function %d body %w", r.Function, rd.err)
	}
	return r, nil
}

func parseSLPBody(rd *slpReader, r *slpReply) {
	switch r.Function {
	case slpSrvRply:
		r.ErrorCode = rd.u16()
		n := int(rd.u16())
		// Each entry takes at least 6 bytes, so n is bounded by the data.
		for i := 0; i < n && rd.err == nil; i++ {
			rd.take(3) // reserved, lifetime
			url := rd.str()
			auths := rd.take(1)
			if rd.err != nil {
				return
			}
			r.URLs = append(r.URLs, url)
			skipSLPAuths(rd, int(auths[0]))
		}
	case slpDAAdvert:
		r.ErrorCode = rd.u16()
		rd.take(4) // boot timestamp
		if url := rd.str(); rd.err == nil {
			r.URLs = append(r.URLs, url)
		}
	case slpSAAdvert:
		if url := rd.str(); rd.err == nil {
			r.URLs = append(r.URLs, url)
		}
	}
}

// skipSLPAuths skips authentication blocks, whose length field counts the
// whole block (at least its 4-byte BSD and length header).
func skipSLPAuths(rd *slpReader, n int) {
	for range n {
		rd.take(2) // block structure descriptor
		l := int(rd.u16())
		if rd.err != nil {
			return
		}
		if l < 4 {
			rd.err = errors.New("has an authentication block shorter than its header")
			return
		}
		rd.take(l - 4)
	}
}
