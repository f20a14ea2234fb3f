package snmp

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gosnmp/gosnmp"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfmt"
	"github.com/mfpscan/mfpscan/internal/testnet"
)

const testTimeout = 300 * time.Millisecond

func octets(oid, s string) gosnmp.SnmpPDU {
	return gosnmp.SnmpPDU{Name: oid, Type: gosnmp.OctetString, Value: []byte(s)}
}

// canonValues is an iR-ADV C5535 III as its agent answers (values from the
// reference's sample strings; the serial is made up).
func canonValues() []gosnmp.SnmpPDU {
	return []gosnmp.SnmpPDU{
		octets(OIDSysDescr, "Canon iR-ADV C5535 III /P"),
		{Name: OIDSysObjectID, Type: gosnmp.ObjectIdentifier, Value: ".1.3.6.1.4.1.1602.4.7"},
		octets(OIDSysName, "MFP-3F-EAST"),
		octets(OIDCanonModel, "iR-ADV C5535 III"),
		octets(OIDCanonFirmware, "47.07"),
		octets(OIDCanonSerial, "2TQ01234"),
		octets(OIDHrDeviceDescr, "Canon iR-ADV C5535 III /P"),
		{Name: oidIfPhysAddress + ".1", Type: gosnmp.OctetString, Value: []byte{}},
		{Name: oidIfPhysAddress + ".2", Type: gosnmp.OctetString, Value: []byte{0x88, 0x87, 0x17, 0xaa, 0xbb, 0xcc}},
		{Name: oidIPAdEntAddr + ".127.0.0.1", Type: gosnmp.IPAddress, Value: "127.0.0.1"},
		{Name: oidIPAdEntAddr + ".192.168.10.25", Type: gosnmp.IPAddress, Value: "192.168.10.25"},
		{Name: oidIPAdEntAddr + ".203.0.113.40", Type: gosnmp.IPAddress, Value: "203.0.113.40"},
		{Name: "1.3.6.1.2.1.4.21.1.1.0.0.0.0", Type: gosnmp.IPAddress, Value: "0.0.0.0"},
	}
}

func collect(t *testing.T, port int, opts collectors.Options) (*facts.Device, facts.CollectorStatus) {
	t.Helper()
	if opts.Timeout == 0 {
		opts.Timeout = testTimeout
	}
	env := &collectors.Env{Dialer: collectors.NewDialer(opts.Timeout, 2), Options: opts, Log: slog.New(slog.DiscardHandler)}
	target := &collectors.Target{Addr: netip.MustParseAddr("127.0.0.1"), Roles: collectors.Roles{SNMPPort: port}}
	out := &facts.Device{}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st := New().Collect(ctx, env, target, out)
	return out, st
}

// collectOK is collect for an agent that answers: any other status ends
// the test.
func collectOK(t *testing.T, port int, opts collectors.Options) *facts.Device {
	t.Helper()
	out, st := collect(t, port, opts)
	if st.Status != facts.StatusOK {
		t.Fatalf("status = %+v, want ok", st)
	}
	return out
}

func TestCollectCanonAgent(t *testing.T) {
	a := newAgent(t, canonValues())
	a.communities = map[string]bool{"public": true, "canon_admin": true}
	a.versions = map[gosnmp.SnmpVersion]bool{gosnmp.Version1: true, gosnmp.Version2c: true}
	a.engineID = "\x80\x00\x13\x70\x05MFP3F"
	a.start()

	out := collectOK(t, a.port(), collectors.Options{Communities: []string{"site-secret"}})
	got := out.SNMP
	want := &facts.SNMP{
		Status: facts.StatusOK, Port: a.port(),
		V1: facts.Bool(true), V2c: facts.Bool(true), V3: facts.Bool(true),
		CommunitiesAccepted: []string{"public", "canon_admin"},
		CommunitiesTried:    4, // the custom one was not needed
		EngineID:            "80001370054d46503346",
		EngineEnterprise:    EnterpriseAgentPP,
		SysDescr:            "Canon iR-ADV C5535 III /P",
		SysObjectID:         "1.3.6.1.4.1.1602.4.7",
		SysName:             "MFP-3F-EAST",
		Values: map[string]string{
			OIDSysDescr: "Canon iR-ADV C5535 III /P", OIDSysObjectID: "1.3.6.1.4.1.1602.4.7",
			OIDSysName: "MFP-3F-EAST", OIDCanonModel: "iR-ADV C5535 III", OIDCanonFirmware: "47.07",
			OIDCanonSerial: "2TQ01234", OIDHrDeviceDescr: "Canon iR-ADV C5535 III /P",
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SNMP facts (-want +got):\n%s", diff)
	}
	wantIfaces := []facts.Interface{
		{Address: "127.0.0.1", IPClass: facts.IPClassLoopback, Source: "snmp:" + oidIPAdEntAddr},
		{Address: "192.168.10.25", IPClass: facts.IPClassPrivate, Source: "snmp:" + oidIPAdEntAddr},
		{Address: "203.0.113.40", IPClass: facts.IPClassDocumentation, Source: "snmp:" + oidIPAdEntAddr},
	}
	if diff := cmp.Diff(wantIfaces, out.Interfaces); diff != "" {
		t.Errorf("interfaces (-want +got):\n%s", diff)
	}
	wantHints := []facts.IdentityHint{
		{Field: "model", Value: "iR-ADV C5535 III", Source: "snmp:" + OIDCanonModel, Confidence: facts.ConfidenceHigh},
		{Field: "firmware", Value: "47.07", Source: "snmp:" + OIDCanonFirmware, Confidence: facts.ConfidenceHigh},
		{Field: "serial", Value: "2TQ01234", Source: "snmp:" + OIDCanonSerial, Confidence: facts.ConfidenceHigh},
		{Field: "mac", Value: "88:87:17:aa:bb:cc", Source: "snmp:" + oidIfPhysAddress + ".2", Confidence: facts.ConfidenceHigh},
	}
	if diff := cmp.Diff(wantHints, out.Identity.Sources); diff != "" {
		t.Errorf("identity hints (-want +got):\n%s", diff)
	}
	pduTypes, seenComm := a.seen()
	for _, p := range pduTypes {
		if p != gosnmp.GetRequest && p != gosnmp.GetNextRequest {
			t.Errorf("collector sent PDU type %v; only GET and GETNEXT are allowed", p)
		}
	}
	// The operator's community must reach the agent only if needed, and
	// never appear in the document.
	if slices.Contains(seenComm, "site-secret") {
		t.Errorf("custom community tried although a well-known one was accepted")
	}
	assertNoSecret(t, out, "site-secret")
}

func assertNoSecret(t *testing.T, out *facts.Device, secret string) {
	t.Helper()
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatalf("marshal facts: %v", err)
	}
	if strings.Contains(string(b), secret) {
		t.Errorf("facts document contains the community value %q", secret)
	}
}

func TestCollectCustomCommunityOnly(t *testing.T) {
	a := newAgent(t, canonValues())
	a.communities = map[string]bool{"s3cret-ro": true}
	a.versions = map[gosnmp.SnmpVersion]bool{gosnmp.Version1: true}
	a.start()

	out := collectOK(t, a.port(), collectors.Options{Communities: []string{"wrong-one", "s3cret-ro"}})
	got := out.SNMP
	if got.CommunitiesTried != 6 {
		t.Errorf("communities tried = %d, want 6", got.CommunitiesTried)
	}
	if diff := cmp.Diff([]string{"custom-2"}, got.CommunitiesAccepted); diff != "" {
		t.Errorf("communities accepted (-want +got):\n%s", diff)
	}
	if got.V1 == nil || !*got.V1 || got.V2c == nil || *got.V2c || got.V3 == nil || *got.V3 {
		t.Errorf("versions v1=%v v2c=%v v3=%v, want true/false/false", testfmt.Bool(got.V1), testfmt.Bool(got.V2c), testfmt.Bool(got.V3))
	}
	// v1 fails the batched identity GET on the first missing OID; the
	// fallback must still read each value.
	if got.Values[OIDCanonModel] != "iR-ADV C5535 III" || got.Values[OIDCanonSerial] != "2TQ01234" {
		t.Errorf("identity values after v1 fallback = %v", got.Values)
	}
	assertNoSecret(t, out, "s3cret-ro")
	assertNoSecret(t, out, "wrong-one")
}

func TestCollectSilentAgent(t *testing.T) {
	a := newAgent(t, nil) // accepts nothing, answers nothing
	a.start()
	out, st := collect(t, a.port(), collectors.Options{})
	if st.Status != facts.StatusTimeout {
		t.Fatalf("status = %+v, want timeout", st)
	}
	if out.SNMP.V1 != nil || out.SNMP.V2c != nil || out.SNMP.V3 != nil {
		t.Errorf("versions set on a silent agent: v1=%s v2c=%s v3=%s; unknown must stay nil", testfmt.Bool(out.SNMP.V1), testfmt.Bool(out.SNMP.V2c), testfmt.Bool(out.SNMP.V3))
	}
	if out.SNMP.Status != facts.StatusTimeout {
		t.Errorf("snmp.status = %s, want timeout", out.SNMP.Status)
	}
}

func TestCollectGarbageReplies(t *testing.T) {
	for name, junk := range map[string][]byte{
		"random":           []byte("\x30\x82\xff\xff\x02\x01\x01\x04\x06public\xa2"),
		"truncated":        {0x30},
		"huge length":      []byte("\x30\x84\x7f\xff\xff\xff\x02\x01\x01"),
		"plain text":       []byte("HTTP/1.0 400 Bad Request\r\n\r\n"),
		"wrong request id": mustMarshal(t, &gosnmp.SnmpPacket{Version: gosnmp.Version2c, Community: "public", PDUType: gosnmp.GetResponse, RequestID: 999999}),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			a := newAgent(t, nil)
			a.garbage = junk
			a.start()
			_, st := collect(t, a.port(), collectors.Options{})
			if st.Status != facts.StatusTimeout {
				t.Errorf("status = %+v, want timeout (junk is no answer)", st)
			}
		})
	}
}

func mustMarshal(t *testing.T, p *gosnmp.SnmpPacket) []byte {
	t.Helper()
	b, err := p.MarshalMsg()
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return b
}

func TestCollectClosedPort(t *testing.T) {
	// Nothing listens: the kernel answers ICMP port unreachable, which
	// surfaces as "refused"; versions stay unknown.
	port := testnet.FreePort(t, "udp")
	out, st := collect(t, port, collectors.Options{})
	if st.Status != facts.StatusRefused {
		t.Fatalf("status = %+v, want refused", st)
	}
	if out.SNMP.V1 != nil || out.SNMP.V2c != nil || out.SNMP.V3 != nil {
		t.Errorf("versions set on a closed port")
	}
}

// Issue 12: SNMPv1 left on with a community the scanner does not know
// must not read as "v1 off". The agent answers v3 discovery (so it is alive)
// and ignores every community tried: v1 and v2c stay unknown, and every
// request sent is recorded with its outcome.
func TestCollectUnknownCommunityLeavesVersionsUnknown(t *testing.T) {
	a := newAgent(t, canonValues())
	a.communities = map[string]bool{"site-secret": true}
	a.versions = map[gosnmp.SnmpVersion]bool{gosnmp.Version1: true}
	a.engineID = "\x80\x00\x13\x70\x05mfpscan"
	a.start()

	out := collectOK(t, a.port(), collectors.Options{})
	got := out.SNMP
	if got.V1 != nil || got.V2c != nil {
		t.Errorf("versions v1=%s v2c=%s, want unknown (nil): silence to a community proves nothing", testfmt.Bool(got.V1), testfmt.Bool(got.V2c))
	}
	if got.V3 == nil || !*got.V3 {
		t.Errorf("v3 = %s, want true", testfmt.Bool(got.V3))
	}
	if len(out.Probes) != 2*len(WellKnownCommunities)+1 {
		t.Fatalf("probes = %+v, want one per version × community plus v3 discovery", out.Probes)
	}
	for _, p := range out.Probes {
		want := facts.ProbeNoAnswer
		if p.Name == "v3 engine discovery" {
			want = facts.ProbeAnswered
		}
		if p.Outcome != want || p.Collector != "snmp" || p.Protocol != "udp" {
			t.Errorf("probe %+v, want outcome %s", p, want)
		}
	}
	assertNoSecret(t, out, "site-secret")
}

// A version is off only when the same agent answered the other version with
// a community this one ignored.
func TestCollectVersionOffProvenByOther(t *testing.T) {
	a := newAgent(t, canonValues())
	a.communities = map[string]bool{"public": true}
	a.versions = map[gosnmp.SnmpVersion]bool{gosnmp.Version2c: true}
	a.start()

	out := collectOK(t, a.port(), collectors.Options{})
	if testfmt.Bool(out.SNMP.V2c) != "true" || testfmt.Bool(out.SNMP.V1) != "false" {
		t.Errorf("versions v1=%s v2c=%s, want false/true", testfmt.Bool(out.SNMP.V1), testfmt.Bool(out.SNMP.V2c))
	}
}
