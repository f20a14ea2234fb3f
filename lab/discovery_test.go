package lab

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
	"testing"
	"time"
)

const testProbeID = "urn:uuid:6f1d2c3b-4a59-4e68-8b7a-1c2d3e4f5a6b"

// wsdProbe is a WS-Discovery Probe as Windows (and mfpscan) send it.
func wsdProbe(action, id string) []byte {
	return fmt.Appendf(nil, `<?xml version="1.0" encoding="UTF-8"?>`+
		`<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:wsd="http://schemas.xmlsoap.org/ws/2005/04/discovery">`+
		`<soap:Header><wsa:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To>`+
		`<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/%s</wsa:Action>`+
		`<wsa:MessageID>%s</wsa:MessageID></soap:Header>`+
		`<soap:Body><wsd:Probe><wsd:Types>wsdp:Device</wsd:Types></wsd:Probe></soap:Body></soap:Envelope>`, action, id)
}

// slpRequest is an SLPv2 SrvRqst (RFC 2608 §8.1) with language "en".
func slpRequest(xid uint16, svcType, scope string) []byte {
	var body []byte
	for _, s := range []string{"", svcType, scope, "", ""} {
		body = binary.BigEndian.AppendUint16(body, uint16(len(s)))
		body = append(body, s...)
	}
	total := 16 + len(body)
	b := []byte{2, 1, byte(total >> 16), byte(total >> 8), byte(total), 0, 0, 0, 0, 0, byte(xid >> 8), byte(xid), 0, 2, 'e', 'n'}
	return append(b, body...)
}

type probeMatches struct {
	XMLName xml.Name
	Header  struct {
		Action    string `xml:"Action"`
		MessageID string `xml:"MessageID"`
		RelatesTo string `xml:"RelatesTo"`
	} `xml:"Header"`
	Match struct {
		Address string `xml:"EndpointReference>Address"`
		Types   string `xml:"Types"`
		XAddrs  string `xml:"XAddrs"`
	} `xml:"Body>ProbeMatches>ProbeMatch"`
}

// slpURLs reads the URL entries of a SrvRply built by slpReply (no
// authentication blocks), checking the header on the way.
func slpURLs(t *testing.T, b []byte, xid uint16) (uint16, []string) {
	t.Helper()
	if len(b) < 20 || b[0] != 2 || b[1] != slpSrvRply || int(b[2])<<16|int(b[3])<<8|int(b[4]) != len(b) {
		t.Fatalf("not an SLPv2 SrvRply: % x", b)
	}
	if got := binary.BigEndian.Uint16(b[10:]); got != xid {
		t.Fatalf("XID %#x, want %#x", got, xid)
	}
	rest := b[14+int(binary.BigEndian.Uint16(b[12:])):]
	code, n := binary.BigEndian.Uint16(rest), int(binary.BigEndian.Uint16(rest[2:]))
	rest = rest[4:]
	var urls []string
	for range n {
		l := int(binary.BigEndian.Uint16(rest[3:]))
		urls = append(urls, string(rest[5:5+l]))
		if rest[5+l] != 0 {
			t.Fatalf("URL entry has %d auth blocks", rest[5+l])
		}
		rest = rest[6+l:]
	}
	if len(rest) != 0 {
		t.Fatalf("%d trailing bytes", len(rest))
	}
	return code, urls
}

// exchange sends one datagram and returns the reply, or the read error.
func exchange(t *testing.T, addr netip.Addr, port int, req []byte) ([]byte, error) {
	t.Helper()
	c, err := net.Dial("udp", netip.AddrPortFrom(addr, uint16(port)).String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := c.Write(req); err != nil {
		return nil, err
	}
	buf := make([]byte, 8192)
	n, err := c.Read(buf)
	return buf[:n], err
}

func TestDiscoveryAnswersCanonProfiles(t *testing.T) {
	f, cfg := startFleet(t, ProfileFactory, ProfileMF, ProfileHardened, ProfileHP)
	for _, name := range []string{ProfileFactory, ProfileMF} {
		t.Run(name, func(t *testing.T) {
			d := device(t, f, name)
			if d.WSDPort != 3702+cfg.PortOffset || d.SLPPort != 427+cfg.PortOffset {
				t.Fatalf("ports wsd %d slp %d, want %d and %d", d.WSDPort, d.SLPPort, 3702+cfg.PortOffset, 427+cfg.PortOffset)
			}
			raw, err := exchange(t, d.Addr, d.WSDPort, wsdProbe("Probe", testProbeID))
			if err != nil {
				t.Fatalf("WSD probe: %v", err)
			}
			var pm probeMatches
			if err := xml.Unmarshal(raw, &pm); err != nil {
				t.Fatalf("ProbeMatches does not parse: %v\n%s", err, raw)
			}
			if pm.XMLName.Space != labNSSOAP12 || pm.Header.Action != labNSWSD+"/ProbeMatches" || pm.Header.RelatesTo != testProbeID {
				t.Errorf("header = %+v in %s", pm.Header, pm.XMLName.Space)
			}
			if !strings.HasPrefix(pm.Header.MessageID, "urn:uuid:") || pm.Header.MessageID == pm.Match.Address {
				t.Errorf("message ID %q should be a fresh urn:uuid", pm.Header.MessageID)
			}
			if !strings.HasPrefix(pm.Match.Address, "urn:uuid:") || !strings.Contains(pm.Match.Types, "wprt:PrintDeviceType") {
				t.Errorf("match = %+v", pm.Match)
			}
			if want := fmt.Sprintf("http://%s:%d/", d.Addr, 80+cfg.PortOffset); !strings.HasPrefix(pm.Match.XAddrs, want) {
				t.Errorf("XAddrs %q, want the web UI %s", pm.Match.XAddrs, want)
			}

			raw, err = exchange(t, d.Addr, d.SLPPort, slpRequest(0x1234, "service:printer", "DEFAULT"))
			if err != nil {
				t.Fatalf("SLP request: %v", err)
			}
			code, urls := slpURLs(t, raw, 0x1234)
			if code != 0 || len(urls) != 1 || !strings.HasPrefix(urls[0], "service:printer:") || !strings.Contains(urls[0], d.Addr.String()) {
				t.Errorf("SrvRply code %d urls %q, want one printer URL naming %s", code, urls, d.Addr)
			}
		})
	}
	factory, mf := device(t, f, ProfileFactory), device(t, f, ProfileMF)
	if a, b := endpointOf(t, factory), endpointOf(t, mf); a == b {
		t.Errorf("two devices share the endpoint %s", a)
	}
	if a, b := endpointOf(t, factory), endpointOf(t, factory); a != b {
		t.Errorf("endpoint changed between probes: %s, %s", a, b)
	}

	for _, name := range []string{ProfileHardened, ProfileHP} {
		d := device(t, f, name)
		if d.WSDPort != 0 || d.SLPPort != 0 {
			t.Errorf("%s: ports wsd %d slp %d, want none", name, d.WSDPort, d.SLPPort)
		}
		for _, port := range []int{3702, 427} {
			_, err := exchange(t, d.Addr, port+cfg.PortOffset, wsdProbe("Probe", testProbeID))
			if !errors.Is(err, syscall.ECONNREFUSED) {
				t.Errorf("%s: udp/%d answered or timed out (%v), want port unreachable", name, port, err)
			}
		}
	}
}

func endpointOf(t *testing.T, d Device) string {
	t.Helper()
	raw, err := exchange(t, d.Addr, d.WSDPort, wsdProbe("Probe", testProbeID))
	if err != nil {
		t.Fatal(err)
	}
	var pm probeMatches
	if err := xml.Unmarshal(raw, &pm); err != nil {
		t.Fatal(err)
	}
	return pm.Match.Address
}

func TestRespondWSD(t *testing.T) {
	d := newDiscoveryResponder(plannedDevice{profile: profile{id: identity{serial: "X"}}, addr: netip.MustParseAddr("127.0.0.10")}, 0)
	tests := []struct {
		name   string
		req    []byte
		answer bool
	}{
		{"probe", wsdProbe("Probe", testProbeID), true},
		{"id needing escapes", wsdProbe("Probe", "urn:x:a&amp;b&lt;"), true},
		{"resolve", wsdProbe("Resolve", testProbeID), false},
		{"no message id", wsdProbe("Probe", ""), false},
		{"garbage", []byte("\x00\xffnot xml"), false},
		{"soap 1.1", bytes.ReplaceAll(wsdProbe("Probe", testProbeID), []byte("http://www.w3.org/2003/05/soap-envelope"), []byte("http://schemas.xmlsoap.org/soap/envelope/")), false},
		{"empty", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := d.respondWSD(tt.req)
			if (out != nil) != tt.answer {
				t.Fatalf("answered = %v, want %v", out != nil, tt.answer)
			}
			if out == nil {
				return
			}
			var pm probeMatches
			if err := xml.Unmarshal(out, &pm); err != nil {
				t.Fatalf("reply does not parse: %v", err)
			}
			var req probeMatches
			_ = xml.Unmarshal(tt.req, &req)
			if pm.Header.RelatesTo != req.Header.MessageID {
				t.Errorf("RelatesTo %q, want %q", pm.Header.RelatesTo, req.Header.MessageID)
			}
		})
	}
}

func TestRespondSLP(t *testing.T) {
	d := newDiscoveryResponder(plannedDevice{
		profile: profile{tcp: []listenerSpec{{80, svcHTTP}, {515, svcLPD}}},
		addr:    netip.MustParseAddr("127.0.0.10"),
	}, 10000)
	tests := []struct {
		name     string
		req      []byte
		wantCode uint16
		wantURLs []string
		silent   bool
	}{
		{name: "printer", req: slpRequest(7, "service:printer", "DEFAULT"), wantURLs: []string{"service:printer:lpr://127.0.0.10:10515/lp"}},
		{name: "scope list", req: slpRequest(7, "service:printer", "floor2, default"), wantURLs: []string{"service:printer:lpr://127.0.0.10:10515/lp"}},
		{name: "other type", req: slpRequest(7, "service:wbem", "DEFAULT")},
		{name: "other scope", req: slpRequest(7, "service:printer", "ADMIN"), wantCode: slpScopeUnsupported},
		{name: "cut body", req: cutSLP(slpRequest(7, "service:printer", "DEFAULT"), 20), wantCode: slpParseError},
		{name: "length lies", req: append(slpRequest(7, "service:printer", "DEFAULT"), 0), silent: true},
		{name: "not a request", req: append([]byte{2, 2}, slpRequest(7, "x", "y")[2:]...), silent: true},
		{name: "slpv1", req: append([]byte{1}, slpRequest(7, "x", "y")[1:]...), silent: true},
		{name: "garbage", req: []byte("garbage"), silent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := d.respondSLP(tt.req)
			if !answered(t, tt.silent, out != nil, out) {
				return
			}
			code, urls := slpURLs(t, out, 7)
			if code != tt.wantCode || strings.Join(urls, " ") != strings.Join(tt.wantURLs, " ") {
				t.Errorf("code %d urls %q, want %d %q", code, urls, tt.wantCode, tt.wantURLs)
			}
		})
	}
}

// answered fails a case that wants silence and got a reply, or wants a
// reply and got none; it reports whether there is a reply to check.
func answered(t *testing.T, silent, got bool, reply any) bool {
	t.Helper()
	switch {
	case silent && got:
		t.Fatalf("answered %v, want silence", reply)
	case !silent && !got:
		t.Fatal("no answer")
	}
	return got
}

// cutSLP keeps the first n bytes and fixes the length field to match.
func cutSLP(b []byte, n int) []byte {
	b = bytes.Clone(b[:n])
	b[2], b[3], b[4] = 0, 0, byte(n)
	return b
}

func FuzzDiscoveryResponders(f *testing.F) {
	f.Add(wsdProbe("Probe", testProbeID))
	f.Add(slpRequest(7, "service:printer", "DEFAULT"))
	d := newDiscoveryResponder(plannedDevice{addr: netip.MustParseAddr("127.0.0.10")}, 0)
	f.Fuzz(func(t *testing.T, b []byte) {
		if out := d.respondSLP(b); out != nil && (out[1] != slpSrvRply || int(out[2])<<16|int(out[3])<<8|int(out[4]) != len(out)) {
			t.Fatalf("malformed SrvRply % x", out)
		}
		if out := d.respondWSD(b); out != nil {
			if err := xml.Unmarshal(out, new(probeMatches)); err != nil {
				t.Fatalf("reply is not XML: %v", err)
			}
		}
	})
}
