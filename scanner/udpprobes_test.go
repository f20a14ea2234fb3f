package scanner

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfile"
	"github.com/mfpscan/mfpscan/internal/testnet"
)

// fixtureRelatesTo is the probe ID the testdata/wsd replies relate to.
const fixtureRelatesTo = "urn:uuid:0f8e29d3-6c1a-4b59-9a53-2d7a4d1f0c11"

// fixtureXID is the transaction ID of every testdata/slp message.
const fixtureXID = 0x4d2e

func readFixture(t testing.TB, dir, name string) []byte {
	t.Helper()
	return testfile.Read(t, filepath.Join("testdata", dir, name))
}

// parseCase is one row of a datagram parser's table: the input from
// testdata/DIR/file or inline data, and the reply or an error substring.
type parseCase[T any] struct {
	name    string
	file    string
	data    []byte
	want    T
	wantErr string
}

// runParseCases runs parse over each case, its input read from
// testdata/dir when the case names a file. A case without a name is named
// after its file or the first bytes of its data.
func runParseCases[T any](t *testing.T, dir string, parse func([]byte) (T, error), tests []parseCase[T]) {
	t.Helper()
	for _, tt := range tests {
		name := tt.name
		switch {
		case name != "":
		case tt.file != "":
			name = tt.file
		default:
			name = fmt.Sprintf("raw-%x", tt.data[:min(len(tt.data), 6)])
		}
		t.Run(name, func(t *testing.T) {
			data := tt.data
			if tt.file != "" {
				data = readFixture(t, dir, tt.file)
			}
			got, err := parse(data)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parse %s: %v", name, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("reply mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseWSDReply(t *testing.T) {
	runParseCases(t, "wsd", parseWSDReply, []parseCase[wsdReply]{
		{name: "2005 probe matches", file: "probematches-2005.xml", want: wsdReply{
			Action: "ProbeMatches", RelatesTo: fixtureRelatesTo,
			Matches: []wsdMatch{{
				Endpoint: "urn:uuid:e3248000-80ce-11db-8000-30c9ab1a2b3c",
				Types:    []string{"wsdp:Device", "wprt:PrintDeviceType", "wscn:ScanDeviceType"},
				XAddrs:   []string{"http://192.0.2.10:80/wsd/mex"},
			}},
		}},
		{name: "1.1 probe matches, two endpoints", file: "probematches-2009.xml", want: wsdReply{
			Action: "ProbeMatches", RelatesTo: fixtureRelatesTo,
			Matches: []wsdMatch{
				{
					Endpoint: "urn:uuid:9b2f6a10-3c4d-5e6f-8a9b-0c1d2e3f4a5b",
					Types:    []string{"p:PrintDeviceType"},
					XAddrs:   []string{"http://192.0.2.11:5357/9b2f6a10", "https://192.0.2.11:5358/9b2f6a10"},
				},
				{Endpoint: "urn:uuid:9b2f6a10-3c4d-5e6f-8a9b-0c1d2e3f4a5c", Types: []string{"sc:ScanDeviceType"}},
			},
		}},
		{name: "no match", file: "probematches-empty.xml", want: wsdReply{Action: "ProbeMatches", RelatesTo: fixtureRelatesTo}},
		{name: "hello", file: "hello.xml", want: wsdReply{Action: "Hello"}},
		{name: "addressing fault", file: "fault-addressing.xml", wantErr: "is not WS-Discovery"},
		{name: "own probe reflected", data: wsdProbeMessage(fixtureRelatesTo), wantErr: "Probe is a request"},
		{name: "empty", wantErr: "empty datagram"},
		{name: "not xml", data: []byte("HTTP/1.1 400 Bad Request\r\n\r\n"), wantErr: "parse wsd reply"},
		{name: "truncated", data: []byte(`<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Header>`), wantErr: "parse wsd reply"},
		{name: "other root", data: []byte(`<Envelope xmlns="urn:other"><Header><Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Hello</Action></Header></Envelope>`), wantErr: "not a SOAP envelope"},
		{name: "no action", data: []byte(`<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body/></s:Envelope>`), wantErr: "is not WS-Discovery"},
		{name: "entity expansion refused", data: []byte(`<?xml version="1.0"?><!DOCTYPE e [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>` +
			`<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header><Action>&b;</Action></s:Header></s:Envelope>`), wantErr: "parse wsd reply"},
		{name: "oversized", data: bytes.Repeat([]byte(" "), maxDiscoveryDatagram+1), wantErr: "exceeds"},
	})
}

func TestWSDProbeMessage(t *testing.T) {
	id := newUUID()
	if !regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(id) {
		t.Fatalf("message ID %q is not a version 4 urn:uuid", id)
	}
	if id == newUUID() {
		t.Error("two message IDs are equal")
	}
	msg := string(wsdProbeMessage(id))
	for _, want := range []string{
		"<wsa:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To>",
		"<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</wsa:Action>",
		"<wsa:MessageID>" + id + "</wsa:MessageID>",
		"<wsd:Types>wsdp:Device</wsd:Types>",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("probe lacks %s", want)
		}
	}
}

func TestSLPServiceRequest(t *testing.T) {
	// The fixture was built independently from RFC 2608's layout.
	if got, want := slpServiceRequest(fixtureXID), readFixture(t, "slp", "request-srvrqst.bin"); !bytes.Equal(got, want) {
		t.Errorf("request = % x\nwant      % x", got, want)
	}
}

func TestParseSLPReply(t *testing.T) {
	runParseCases(t, "slp", parseSLPReply, []parseCase[slpReply]{
		{name: "printer url", file: "srvrply-printer.bin", want: slpReply{Function: slpSrvRply, XID: fixtureXID, Lang: "en",
			URLs: []string{"service:printer:lpr://192.0.2.10/lp"}}},
		{name: "two urls, auth block", file: "srvrply-two-auth.bin", want: slpReply{Function: slpSrvRply, XID: fixtureXID, Lang: "en",
			URLs: []string{"service:printer:ipp://192.0.2.11:631/ipp/print", "service:printer:raw-tcp://192.0.2.11:9100"}}},
		{name: "no match", file: "srvrply-empty.bin", want: slpReply{Function: slpSrvRply, XID: fixtureXID, Lang: "en"}},
		{name: "scope error", file: "srvrply-scope-error.bin", want: slpReply{Function: slpSrvRply, XID: fixtureXID, Lang: "en", ErrorCode: 4}},
		{name: "overflow keeps the first url", file: "srvrply-overflow.bin", want: slpReply{Function: slpSrvRply, XID: fixtureXID, Lang: "en",
			URLs: []string{"service:printer:lpr://192.0.2.10/lp"}}},
		{name: "directory agent", file: "daadvert.bin", want: slpReply{Function: slpDAAdvert, XID: fixtureXID, Lang: "en",
			URLs: []string{"service:directory-agent://192.0.2.20"}}},
		{name: "service agent", file: "saadvert.bin", want: slpReply{Function: slpSAAdvert, XID: fixtureXID, Lang: "en",
			URLs: []string{"service:service-agent://192.0.2.10"}}},
		{name: "request", file: "request-srvrqst.bin", wantErr: "function 1 is not a reply"},
		{name: "empty", wantErr: "shorter than the header"},
		{name: "slpv1", data: append([]byte{1, 2}, make([]byte, 14)...), wantErr: "version 1"},
		{name: "length past end", data: []byte{2, 2, 0, 0, 200, 0, 0, 0, 0, 0, 0, 1, 0, 2, 'e', 'n'}, wantErr: "length field 200"},
		{name: "lang overrun", data: []byte{2, 2, 0, 0, 16, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 'e', 'n'}, wantErr: "language tag"},
		{name: "url count lies", data: []byte{2, 2, 0, 0, 20, 0, 0, 0, 0, 0, 0, 1, 0, 2, 'e', 'n', 0, 0, 0xff, 0xff}, wantErr: "truncated"},
		{name: "auth block too short", data: slpMsg(slpSrvRply, 1, []byte{0, 0, 0, 1, 0, 0, 1, 0, 1, 'x', 1, 0, 2, 0, 1}), wantErr: "authentication block"},
		{name: "oversized", data: make([]byte, maxDiscoveryDatagram+1), wantErr: "exceeds"},
	})
}

// TestDiscoveryParsersTruncated cuts every fixture at every length: the
// parsers must fail cleanly (or accept a still-valid prefix), never panic.
func TestDiscoveryParsersTruncated(t *testing.T) {
	for _, f := range discoveryFixtures(t) {
		for i := range f.data {
			if f.dir == "wsd" {
				_, _ = parseWSDReply(f.data[:i])
			} else {
				_, _ = parseSLPReply(f.data[:i])
			}
		}
	}
}

type fixture struct {
	dir  string
	data []byte
}

func discoveryFixtures(t testing.TB) []fixture {
	t.Helper()
	var out []fixture
	for _, dir := range []string{"wsd", "slp"} {
		entries, err := os.ReadDir(filepath.Join("testdata", dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if ext := filepath.Ext(e.Name()); ext == ".xml" || ext == ".bin" {
				out = append(out, fixture{dir: dir, data: readFixture(t, dir, e.Name())})
			}
		}
	}
	return out
}

// slpMsg frames an SLPv2 message with language "en".
func slpMsg(fn byte, xid uint16, body []byte) []byte {
	total := slpHeaderFixed + 2 + len(body)
	b := []byte{slpVersion, fn, byte(total >> 16), byte(total >> 8), byte(total), 0, 0, 0, 0, 0, byte(xid >> 8), byte(xid), 0, 2, 'e', 'n'}
	return append(b, body...)
}

// udpResponder answers each datagram on 127.0.0.1 with reply(request);
// nil means silence.
func udpResponder(t *testing.T, reply func([]byte) []byte) int {
	t.Helper()
	return udpResponderOn(t, "127.0.0.1:0", reply)
}

// udpResponderOn is udpResponder on addr (a loopback host:port).
func udpResponderOn(t *testing.T, addr string, reply func([]byte) []byte) int {
	t.Helper()
	return testnet.ServeUDP(t, addr, func(pc net.PacketConn, req []byte, from net.Addr) {
		if out := reply(req); out != nil {
			_, _ = pc.WriteTo(out, from)
		}
	})
}

var messageIDRe = regexp.MustCompile(`<wsa:MessageID>([^<]+)</wsa:MessageID>`)

// wsdAnswer relates the 2005 fixture to the probe it answers.
func wsdAnswer(t *testing.T) func([]byte) []byte {
	tmpl := readFixture(t, "wsd", "probematches-2005.xml")
	return func(req []byte) []byte {
		m := messageIDRe.FindSubmatch(req)
		if m == nil {
			return nil
		}
		return bytes.ReplaceAll(tmpl, []byte(fixtureRelatesTo), m[1])
	}
}

// slpAnswer echoes the request's XID into the printer SrvRply fixture,
// plus delta (non-zero: a stale reply).
func slpAnswer(t *testing.T, delta uint16) func([]byte) []byte {
	tmpl := readFixture(t, "slp", "srvrply-printer.bin")
	return func(req []byte) []byte {
		if len(req) < slpHeaderFixed || req[1] != slpSrvRqst {
			return nil
		}
		out := slices.Clone(tmpl)
		binary.BigEndian.PutUint16(out[10:], binary.BigEndian.Uint16(req[10:])+delta)
		return out
	}
}

func TestNativeDiscoveryProbes(t *testing.T) {
	garbage := func([]byte) []byte { return []byte("\x00\x01garbage\xff") }
	silent := func([]byte) []byte { return nil }
	stale := func([]byte) []byte { return readFixture(t, "wsd", "probematches-2005.xml") } // relates to another probe
	tests := []struct {
		name    string
		service string
		reply   func([]byte) []byte
		state   string
		portSvc string
		hints   int // identity hints the reply gives (printer, mfp)
	}{
		{"wsd answers", udpWSD, wsdAnswer(t), "open", "ws-discovery", 2},
		{"wsd silent", udpWSD, silent, "filtered", "ws-discovery", 0},
		{"wsd garbage", udpWSD, garbage, "filtered", "ws-discovery", 0},
		{"wsd stale reply", udpWSD, stale, "filtered", "ws-discovery", 0},
		{"slp answers", udpSLP, slpAnswer(t, 0), "open", "svrloc", 1},
		{"slp silent", udpSLP, silent, "filtered", "svrloc", 0},
		{"slp garbage", udpSLP, garbage, "filtered", "svrloc", 0},
		{"slp wrong xid", udpSLP, slpAnswer(t, 1), "filtered", "svrloc", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			port := udpResponder(t, tt.reply)
			cfg := SweepConfig{
				UDPProbes: []UDPProbe{{Port: port, Service: tt.service}},
				Timeout:   300 * time.Millisecond, Retries: -1, EmitAll: true,
			}
			got, err := sweepAll(t, NewNative(), mustTargets(t, "127.0.0.1"), cfg)
			if err != nil {
				t.Fatalf("Sweep: %v", err)
			}
			want := []facts.Port{{Port: port, Protocol: "udp", State: tt.state, Service: tt.portSvc}}
			if len(got) != 1 || !slices.Equal(got[0].Ports, want) {
				t.Fatalf("results = %+v, want ports %+v", got, want)
			}
			if len(got[0].Hints) != tt.hints {
				t.Errorf("identity hints %+v, want %d", got[0].Hints, tt.hints)
			}
		})
	}
}

// TestNativeDiscoveryDefaultEmit checks what a normal sweep reports: the
// answering services, and nothing for silent or closed ports.
func TestNativeDiscoveryDefaultEmit(t *testing.T) {
	wsd := udpResponder(t, wsdAnswer(t))
	slp := udpResponder(t, slpAnswer(t, 0))
	silent := udpResponder(t, func([]byte) []byte { return nil })
	closed := testnet.FreePort(t, "udp")
	cfg := SweepConfig{
		UDPProbes: []UDPProbe{{Port: wsd, Service: udpWSD}, {Port: slp, Service: udpSLP},
			{Port: silent, Service: udpSLP}, {Port: closed, Service: udpWSD}},
		Timeout: 300 * time.Millisecond,
	}
	got, err := sweepAll(t, NewNative(), mustTargets(t, "127.0.0.1"), cfg)
	if err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	want := []facts.Port{
		{Port: wsd, Protocol: "udp", State: "open", Service: "ws-discovery"},
		{Port: slp, Protocol: "udp", State: "open", Service: "svrloc"},
	}
	slices.SortFunc(want, func(a, b facts.Port) int { return a.Port - b.Port })
	if len(got) != 1 || !slices.Equal(got[0].Ports, want) {
		t.Fatalf("results = %+v, want ports %+v", got, want)
	}
}

func TestNativeDiscoveryClosedPort(t *testing.T) {
	for _, svc := range []string{udpWSD, udpSLP} {
		port := testnet.FreePort(t, "udp")
		cfg := SweepConfig{UDPProbes: []UDPProbe{{Port: port, Service: svc}}, Timeout: 2 * time.Second, Retries: -1, EmitAll: true}
		got, err := sweepAll(t, NewNative(), mustTargets(t, "127.0.0.1"), cfg)
		if err != nil {
			t.Fatalf("Sweep: %v", err)
		}
		if len(got) != 1 || len(got[0].Ports) != 1 || got[0].Ports[0].State != "closed" {
			t.Errorf("%s: results = %+v, want one closed port (ICMP port unreachable)", svc, got)
		}
	}
}

func TestUnknownUDPProbeRejected(t *testing.T) {
	cfg := SweepConfig{UDPProbes: []UDPProbe{{Port: 5355, Service: "llmnr"}}}
	err := NewNative().Sweep(t.Context(), mustTargets(t, "127.0.0.1"), cfg, func(HostResult) {})
	if err == nil || !strings.Contains(err.Error(), `unsupported UDP probe "llmnr"`) {
		t.Errorf("Sweep error = %v, want the unsupported probe named", err)
	}
}

// addDiscoverySeeds seeds a fuzz target with the testdata replies of dir.
func addDiscoverySeeds(f *testing.F, dir string) {
	for _, fx := range discoveryFixtures(f) {
		if fx.dir == dir {
			f.Add(fx.data)
		}
	}
}

func FuzzParseWSDReply(f *testing.F) {
	addDiscoverySeeds(f, "wsd")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseWSDReply(b)
		if err == nil && (r.Action == "" || r.Action == "Probe" || r.Action == "Resolve") {
			t.Fatalf("accepted action %q", r.Action)
		}
	})
}

func FuzzParseSLPReply(f *testing.F) {
	addDiscoverySeeds(f, "slp")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseSLPReply(b)
		if err != nil {
			return
		}
		if r.Function != slpSrvRply && r.Function != slpDAAdvert && r.Function != slpSAAdvert {
			t.Fatalf("accepted function %d", r.Function)
		}
		total := 0
		for _, u := range r.URLs {
			total += len(u)
		}
		if total > len(b) {
			t.Fatalf("%d URL bytes from a %d-byte datagram", total, len(b))
		}
	})
}
