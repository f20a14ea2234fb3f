package scanner

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testnet"
)

// The replies in testdata/snmp were captured from net-snmp's snmpd 5.9.3 on
// loopback, answering the requests (request-*.bin) that snmpRequests built
// with community "public" and ID 0x1234.
func readSNMPFixture(t testing.TB, name string) []byte {
	return readFixture(t, "snmp", name)
}

func TestParseSNMPReply(t *testing.T) {
	runParseCases(t, "snmp", parseSNMPReply, []parseCase[snmpReply]{
		{file: "v2c-public.bin", want: snmpReply{Version: gosnmp.Version2c, PDU: gosnmp.GetResponse, ID: 0x1234}},
		{file: "v1-public.bin", want: snmpReply{Version: gosnmp.Version1, PDU: gosnmp.GetResponse, ID: 0x1234}},
		{file: "v3-discovery.bin", want: snmpReply{Version: gosnmp.Version3, PDU: gosnmp.Report, ID: 0x1234}},
		{file: "request-v2c-public.bin", wantErr: "unexpected PDU GetRequest"},
		{file: "request-v3-discovery.bin", wantErr: "unexpected PDU GetRequest"},
		{data: nil, wantErr: "empty datagram"},
		{data: []byte{0x30}, wantErr: "parse snmp reply"},
		{data: []byte("HTTP/1.1 200 OK\r\n\r\n"), wantErr: "parse snmp reply"},
		{data: []byte{0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0x01}, wantErr: "parse snmp reply"},
		{data: make([]byte, maxSNMPDatagram+1), wantErr: "exceeds"},
	})
	// Truncations of a real reply must fail cleanly, never panic.
	full := readSNMPFixture(t, "v3-discovery.bin")
	for i := range full {
		_, _ = parseSNMPReply(full[:i])
	}
}

func TestSNMPRequestsAreReadOnlyGets(t *testing.T) {
	reqs, err := snmpRequests([]string{"public", "s3cret"}, 77)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 5 {
		t.Fatalf("%d datagrams, want 5 (2 communities × v2c/v1 + v3 discovery)", len(reqs))
	}
	dec := &gosnmp.GoSNMP{Version: gosnmp.Version2c}
	var seen []string
	for _, r := range reqs[:4] {
		p, err := dec.SnmpDecodePacket(r)
		if err != nil {
			t.Fatalf("decode own request: %v", err)
		}
		if p.PDUType != gosnmp.GetRequest || p.RequestID != 77 || len(p.Variables) != 1 || p.Variables[0].Name != oidSysDescr {
			t.Errorf("request = %s id %d vars %+v, want GetRequest of sysDescr", p.PDUType, p.RequestID, p.Variables)
		}
		seen = append(seen, p.Version.String()+"/"+p.Community)
	}
	if want := []string{"2c/public", "2c/s3cret", "1/public", "1/s3cret"}; !slices.Equal(seen, want) {
		t.Errorf("requests = %v, want %v", seen, want)
	}
	if !isV3(reqs[4]) {
		t.Error("last datagram is not SNMPv3")
	}
	if _, err := snmpRequests([]string{strings.Repeat("x", 200)}, 1); err == nil || strings.Contains(err.Error(), "xxx") {
		t.Errorf("over-long community: error %v, want one that does not quote it", err)
	}
}

// snmpResponder is a minimal agent on 127.0.0.1: it answers v1/v2c GETs
// whose community is in communities, and v3 discovery when v3 is set.
func snmpResponder(t *testing.T, communities []string, v3 bool) int {
	t.Helper()
	return udpResponder(t, func(req []byte) []byte { return agentReply(req, communities, v3) })
}

func agentReply(req []byte, communities []string, v3 bool) []byte {
	if isV3(req) {
		if !v3 {
			return nil
		}
		dec := &gosnmp.GoSNMP{Version: gosnmp.Version3, SecurityModel: gosnmp.UserSecurityModel,
			MsgFlags: gosnmp.NoAuthNoPriv, SecurityParameters: &gosnmp.UsmSecurityParameters{UserName: "x"}}
		p, err := dec.SnmpDecodePacket(req)
		if err != nil {
			return nil
		}
		report := &gosnmp.SnmpPacket{
			Version: gosnmp.Version3, MsgFlags: gosnmp.NoAuthNoPriv, SecurityModel: gosnmp.UserSecurityModel,
			SecurityParameters: &gosnmp.UsmSecurityParameters{AuthoritativeEngineID: "\x80\x00\x13\x70\x05mfp"},
			PDUType:            gosnmp.Report, MsgID: p.MsgID, RequestID: p.RequestID, MsgMaxSize: 1500,
			Variables: []gosnmp.SnmpPDU{{Name: ".1.3.6.1.6.3.15.1.1.4.0", Type: gosnmp.Counter32, Value: uint32(1)}},
		}
		b, _ := report.MarshalMsg()
		return b
	}
	p, err := (&gosnmp.GoSNMP{Version: gosnmp.Version2c}).SnmpDecodePacket(req)
	if err != nil || !slices.Contains(communities, p.Community) {
		return nil // real agents drop wrong communities silently
	}
	resp := &gosnmp.SnmpPacket{
		Version: p.Version, Community: p.Community, PDUType: gosnmp.GetResponse, RequestID: p.RequestID,
		Variables: []gosnmp.SnmpPDU{{Name: oidSysDescr, Type: gosnmp.OctetString, Value: "Canon iR-ADV C5235 /P"}},
	}
	b, _ := resp.MarshalMsg()
	return b
}

func TestNativeSNMPProbe(t *testing.T) {
	community := snmpResponder(t, []string{"s3cret"}, false)
	v3only := snmpResponder(t, nil, true)
	silent := snmpResponder(t, []string{"other"}, false)
	tests := []struct {
		name  string
		port  int
		state string
	}{
		{"custom community answers", community, "open"},
		{"v3-only agent answers discovery", v3only, "open"},
		{"wrong community is silent", silent, "filtered"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := SweepConfig{
				UDPProbes: []UDPProbe{{Port: tt.port, Service: "snmp", Communities: []string{"public", "s3cret"}}},
				Timeout:   300 * time.Millisecond, Retries: -1, EmitAll: true,
			}
			got, err := sweepAll(t, NewNative(), mustTargets(t, "127.0.0.1"), cfg)
			if err != nil {
				t.Fatalf("Sweep: %v", err)
			}
			want := []facts.Port{{Port: tt.port, Protocol: "udp", State: tt.state, Service: "snmp"}}
			if len(got) != 1 || !slices.Equal(got[0].Ports, want) {
				t.Fatalf("results = %+v, want ports %+v", got, want)
			}
		})
	}
}

func TestNativeSNMPClosedPort(t *testing.T) {
	port := testnet.FreePort(t, "udp")
	cfg := SweepConfig{UDPProbes: []UDPProbe{{Port: port, Service: "snmp", Communities: []string{"public"}}},
		Timeout: 20 * time.Second, MinTimeout: -1, Retries: -1, EmitAll: true}
	start := time.Now()
	got, err := sweepAll(t, NewNative(), mustTargets(t, "127.0.0.1"), cfg)
	if err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	want := []facts.Port{{Port: port, Protocol: "udp", State: "closed", Service: "snmp"}}
	if len(got) != 1 || !slices.Equal(got[0].Ports, want) {
		t.Fatalf("results = %+v, want %+v (ICMP port unreachable on loopback)", got, want)
	}
	// Far below the 20 s timeout, with room for a loaded CI machine: the
	// probe must end on the ICMP error, not wait the timeout out.
	if el := time.Since(start); el > 10*time.Second {
		t.Errorf("closed UDP port took %v; the ICMP error should end the probe at once", el)
	}
}

func TestNativeSNMPCancelledRead(t *testing.T) {
	silent := snmpResponder(t, nil, false)
	ctx, cancel := context.WithCancel(context.Background())
	cfg := SweepConfig{UDPProbes: []UDPProbe{{Port: silent, Service: "snmp", Communities: []string{"public"}}},
		Timeout: time.Minute, Retries: -1, EmitAll: true}
	done := make(chan error, 1)
	go func() { done <- NewNative().Sweep(ctx, mustTargets(t, "127.0.0.1"), cfg, func(HostResult) {}) }()
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Error("Sweep returned nil after cancel")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Sweep did not return after cancel while waiting for a UDP reply")
	}
}

func FuzzParseSNMPReply(f *testing.F) {
	entries, err := os.ReadDir(filepath.Join("testdata", "snmp"))
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		f.Add(readSNMPFixture(f, e.Name()))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseSNMPReply(b)
		if err == nil && r.PDU != gosnmp.GetResponse && r.PDU != gosnmp.Report {
			t.Fatalf("accepted PDU %s", r.PDU)
		}
	})
}
