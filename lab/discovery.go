package lab

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// Discovery ports: WS-Discovery and SLP, both answered by Canon MFPs as
// shipped (reference §1.1).
const (
	wsdPort         = 3702
	slpPort         = 427
	bjnpPrinterPort = 8611
	bjnpScannerPort = 8612
)

// maxDiscoveryRequest caps what a responder reads of one datagram; a probe
// is a few hundred bytes.
const maxDiscoveryRequest = 4096

// discoverySockets are the bound UDP sockets of a device that answers
// WS-Discovery and SLP.
type discoverySockets struct {
	wsd, slp *net.UDPConn
	// bjnpP and bjnpS are nil unless the profile answers BJNP.
	bjnpP, bjnpS *net.UDPConn
	offset       int
}

// bindDiscovery binds the two discovery ports of p, registering each
// socket with f at once so f.Close frees it whatever happens next.
func bindDiscovery(ctx context.Context, f *Fleet, lc *net.ListenConfig, p plannedDevice, offset int) (*discoverySockets, error) {
	ds := &discoverySockets{offset: offset}
	binds := []struct {
		port int
		dst  **net.UDPConn
	}{{wsdPort, &ds.wsd}, {slpPort, &ds.slp}}
	if p.bjnp {
		binds = append(binds, struct {
			port int
			dst  **net.UDPConn
		}{bjnpPrinterPort, &ds.bjnpP}, struct {
			port int
			dst  **net.UDPConn
		}{bjnpScannerPort, &ds.bjnpS})
	}
	for _, s := range binds {
		conn, err := bindUDP(ctx, f, lc, netip.AddrPortFrom(p.addr, uint16(s.port+offset)))
		if err != nil {
			return nil, err
		}
		*s.dst = conn
	}
	return ds, nil
}

// serveDiscovery answers WS-Discovery Probes and SLP Service Requests until
// the sockets are closed. Anything else gets silence, as on a device.
func (f *Fleet) serveDiscovery(dev *deviceRuntime, ds *discoverySockets) {
	d := newDiscoveryResponder(dev.p, ds.offset)
	type server struct {
		conn    *net.UDPConn
		respond func([]byte) []byte
	}
	servers := []server{{ds.wsd, d.respondWSD}, {ds.slp, d.respondSLP}}
	if ds.bjnpP != nil {
		servers = append(servers, server{ds.bjnpP, d.respondBJNP(1)}, server{ds.bjnpS, d.respondBJNP(2)})
	}
	for _, s := range servers {
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			serveDatagrams(s.conn, maxDiscoveryRequest, oneReply(s.respond))
		}()
	}
}

// serveDatagrams reads datagrams of up to size bytes from conn until it is
// closed and sends back, in order, the replies respond returns for each.
// respond runs on this one goroutine.
func serveDatagrams(conn *net.UDPConn, size int, respond func([]byte) [][]byte) {
	readDatagrams(conn, size, func(req []byte, from netip.AddrPort) {
		for _, out := range respond(req) {
			_, _ = conn.WriteToUDPAddrPort(out, from)
		}
	})
}

// readDatagrams hands each datagram of up to size bytes read from conn to
// handle, on this one goroutine, until conn is closed.
func readDatagrams(conn *net.UDPConn, size int, handle func(req []byte, from netip.AddrPort)) {
	buf := make([]byte, size)
	for {
		n, from, err := conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		handle(buf[:n], from)
	}
}

// oneReply adapts a responder that answers with at most one datagram.
func oneReply(respond func([]byte) []byte) func([]byte) [][]byte {
	return func(req []byte) [][]byte {
		if out := respond(req); out != nil {
			return [][]byte{out}
		}
		return nil
	}
}

// discoveryResponder holds what a device advertises.
type discoveryResponder struct {
	// deviceID is the IEEE 1284 device ID a BJNP identity reply carries.
	deviceID string
	endpoint string // WS-Discovery endpoint reference, stable per device
	xaddrs   string // WSD metadata address on the web UI port; "" when none
	slpURL   string
	instance uint32
}

func newDiscoveryResponder(p plannedDevice, offset int) *discoveryResponder {
	// Devices keep one endpoint UUID for life; derive it from the serial
	// and address so the lab's devices differ and never change.
	sum := sha1.Sum([]byte("mfpscan-lab/" + p.id.serial + "/" + p.addr.String()))
	sum[6] = sum[6]&0x0f | 0x50
	sum[8] = sum[8]&0x3f | 0x80
	d := &discoveryResponder{
		endpoint: fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16]),
		instance: binary.BigEndian.Uint32(sum[16:20]) >> 1,
		// Field names as nmap's bjnp-discover reads them (MFG, MDL, DES,
		// VER, CMD); values from the profile, not a capture.
		deviceID: fmt.Sprintf("MFG:%s;CMD:UFRII LT,PCL6,IVEC;MDL:%s;CLS:PRINTER;DES:%s %s;VER:%s;",
			p.id.vendor, p.id.model, p.id.vendor, p.id.model, p.id.firmware),
	}
	host := func(port int) string {
		if offset == 0 {
			return p.addr.String()
		}
		return net.JoinHostPort(p.addr.String(), strconv.Itoa(port+offset))
	}
	for _, l := range p.tcp {
		switch {
		case l.svc == svcHTTP && d.xaddrs == "":
			d.xaddrs = "http://" + host(l.port) + "/wsd/mex"
		case l.svc == svcLPD:
			d.slpURL = "service:printer:lpr://" + host(l.port) + "/lp"
		}
	}
	if d.slpURL == "" {
		d.slpURL = "service:printer:ipp://" + host(631) + "/ipp/print"
	}
	return d
}

const (
	labNSWSD    = "http://schemas.xmlsoap.org/ws/2005/04/discovery"
	labNSSOAP12 = "http://www.w3.org/2003/05/soap-envelope"
)

// wsdRequest is the part of a Probe the responder reads.
type wsdRequest struct {
	XMLName xml.Name
	Header  struct {
		Action    string `xml:"Action"`
		MessageID string `xml:"MessageID"`
	} `xml:"Header"`
}

// respondWSD answers a WS-Discovery 2005/04 Probe with ProbeMatches for a
// printer and scanner device; nil for anything else.
func (d *discoveryResponder) respondWSD(req []byte) []byte {
	var r wsdRequest
	if err := xml.NewDecoder(bytes.NewReader(req)).Decode(&r); err != nil {
		return nil
	}
	id := strings.TrimSpace(r.Header.MessageID)
	if r.XMLName.Space != labNSSOAP12 || strings.TrimSpace(r.Header.Action) != labNSWSD+"/Probe" ||
		id == "" || len(id) > 256 {
		return nil
	}
	var relates bytes.Buffer
	if err := xml.EscapeText(&relates, []byte(id)); err != nil {
		return nil
	}
	xaddrs := ""
	if d.xaddrs != "" {
		xaddrs = "<wsd:XAddrs>" + d.xaddrs + "</wsd:XAddrs>"
	}
	return fmt.Appendf(nil, `<?xml version="1.0" encoding="UTF-8"?>`+
		`<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"`+
		` xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing"`+
		` xmlns:wsd="http://schemas.xmlsoap.org/ws/2005/04/discovery"`+
		` xmlns:wsdp="http://schemas.xmlsoap.org/ws/2006/02/devprof"`+
		` xmlns:wprt="http://schemas.microsoft.com/windows/2006/08/wdp/print"`+
		` xmlns:wscn="http://schemas.microsoft.com/windows/2006/08/wdp/scan">`+
		`<soap:Header>`+
		`<wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To>`+
		`<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action>`+
		`<wsa:MessageID>%s</wsa:MessageID>`+
		`<wsa:RelatesTo>%s</wsa:RelatesTo>`+
		`<wsd:AppSequence InstanceId="%d" MessageNumber="1"/>`+
		`</soap:Header>`+
		`<soap:Body><wsd:ProbeMatches><wsd:ProbeMatch>`+
		`<wsa:EndpointReference><wsa:Address>%s</wsa:Address></wsa:EndpointReference>`+
		`<wsd:Types>wsdp:Device wprt:PrintDeviceType wscn:ScanDeviceType</wsd:Types>`+
		`%s<wsd:MetadataVersion>1</wsd:MetadataVersion>`+
		`</wsd:ProbeMatch></wsd:ProbeMatches></soap:Body></soap:Envelope>`,
		randomUUID(), relates.String(), d.instance, d.endpoint, xaddrs)
}

// randomUUID is a fresh message ID: each SOAP message has its own.
func randomUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// SLPv2 (RFC 2608) functions and error codes the responder uses.
const (
	slpSrvRqst          = 1
	slpSrvRply          = 2
	slpScopeUnsupported = 4
	slpParseError       = 2
)

// respondSLP answers an SLPv2 SrvRqst: the printer URL when service:printer
// is asked for in scope DEFAULT, an empty reply for another type, a scope
// error for another scope. Anything else is silently dropped.
func (d *discoveryResponder) respondSLP(req []byte) []byte {
	if len(req) < 16 || req[0] != 2 || req[1] != slpSrvRqst {
		return nil
	}
	length := int(req[2])<<16 | int(req[3])<<8 | int(req[4])
	if length != len(req) {
		return nil
	}
	xid := binary.BigEndian.Uint16(req[10:12])
	rest := req[12:]
	lang, ok := slpField(&rest)
	if !ok || len(lang) == 0 {
		return nil
	}
	_, ok1 := slpField(&rest) // previous responders
	svcType, ok2 := slpField(&rest)
	scopes, ok3 := slpField(&rest)
	if !ok1 || !ok2 || !ok3 {
		return slpReply(xid, lang, slpParseError, nil)
	}
	if !hasScope(string(scopes), "DEFAULT") {
		return slpReply(xid, lang, slpScopeUnsupported, nil)
	}
	t := strings.ToLower(string(svcType))
	if t == "service:printer" || t == "service:printer:lpr" || t == "service:printer:ipp" {
		return slpReply(xid, lang, 0, []string{d.slpURL})
	}
	return slpReply(xid, lang, 0, nil)
}

func hasScope(list, want string) bool {
	for s := range strings.SplitSeq(list, ",") {
		if strings.EqualFold(strings.TrimSpace(s), want) {
			return true
		}
	}
	return false
}

// slpField takes one length-prefixed string off *b.
func slpField(b *[]byte) ([]byte, bool) {
	if len(*b) < 2 {
		return nil, false
	}
	n := int(binary.BigEndian.Uint16(*b))
	if len(*b) < 2+n {
		return nil, false
	}
	out := (*b)[2 : 2+n]
	*b = (*b)[2+n:]
	return out, true
}

// slpReply builds a SrvRply with the given URL entries (lifetime 65535
// seconds, no authentication blocks).
func slpReply(xid uint16, lang []byte, code uint16, urls []string) []byte {
	body := binary.BigEndian.AppendUint16(nil, code)
	body = binary.BigEndian.AppendUint16(body, uint16(len(urls)))
	for _, u := range urls {
		body = append(body, 0, 0xff, 0xff)
		body = binary.BigEndian.AppendUint16(body, uint16(len(u)))
		body = append(body, u...)
		body = append(body, 0) // no URL authentication blocks
	}
	total := 14 + len(lang) + len(body)
	out := []byte{2, slpSrvRply, byte(total >> 16), byte(total >> 8), byte(total), 0, 0, 0, 0, 0}
	out = binary.BigEndian.AppendUint16(out, xid)
	out = binary.BigEndian.AppendUint16(out, uint16(len(lang)))
	out = append(out, lang...)
	return append(out, body...)
}

// respondBJNP answers a BJNP get-identity (code 0x30) for devType (1
// printer on 8611, 2 scanner on 8612) with the device ID; anything else,
// including every session or job command, gets silence.
func (d *discoveryResponder) respondBJNP(devType byte) func([]byte) []byte {
	return func(req []byte) []byte {
		if len(req) < 16 || !bytes.Equal(req[:4], []byte("BJNP")) || req[4] != devType || req[5] != 0x30 {
			return nil
		}
		id := []byte(d.deviceID)
		out := make([]byte, 16, 18+len(id))
		copy(out, req[:16])
		out[4] = devType | 0x80
		binary.BigEndian.PutUint32(out[12:16], uint32(2+len(id)))
		out = binary.BigEndian.AppendUint16(out, uint16(2+len(id)))
		return append(out, id...)
	}
}
