package lab

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/OpenPrinting/goipp"
	"github.com/gosnmp/gosnmp"
)

func TestHostileProfilesAreOptIn(t *testing.T) {
	for _, n := range ProfileNames() {
		if strings.HasPrefix(n, "hostile-") {
			t.Errorf("default fleet holds hostile profile %s", n)
		}
	}
	names := HostileProfileNames()
	if len(names) != 8 {
		t.Errorf("hostile profiles = %v, want 8", names)
	}
	for _, n := range names {
		p, ok := lookupProfile(n)
		if !ok || p.hostile == hostileNone || !strings.HasPrefix(n, "hostile-") {
			t.Errorf("profile %s: found %v, kind %d", n, ok, p.hostile)
		}
	}
	_, err := planFleet(Config{Profiles: []string{"hostile-nonsense"}})
	if err == nil || !strings.Contains(err.Error(), ProfileHostileTarpit) {
		t.Errorf("unknown profile error = %v, want the opt-in names listed", err)
	}
}

func TestPayloadHeaderFieldKeepsBytes(t *testing.T) {
	h := payloadHeaderField(3)
	if strings.ContainsAny(h, "\x1b\x07") || !strings.Contains(h, PayloadBadUTF8) || !strings.HasPrefix(h, PayloadDDE) {
		t.Errorf("payloadHeaderField(3) = %q: want no controls, raw \\xff\\xfe kept, DDE first", h)
	}
}

func decodeSNMP(b []byte) (pkt *gosnmp.SnmpPacket, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return (&gosnmp.GoSNMP{}).SnmpDecodePacket(b)
}

func TestHostileSNMPReplies(t *testing.T) {
	req := &gosnmp.SnmpPacket{Version: gosnmp.Version2c, Community: "public", PDUType: gosnmp.GetRequest, RequestID: 77,
		Variables: []gosnmp.SnmpPDU{{Name: ".1.3.6.1.2.1.1.1.0", Type: gosnmp.Null}, {Name: ".1.3.6.1.2.1.1.5.0", Type: gosnmp.Null}}}
	raw, err := req.MarshalMsg()
	if err != nil {
		t.Fatal(err)
	}
	if got := hostileSNMPReplies([]byte("garbage"), 0); got != nil {
		t.Errorf("garbage request got %d replies, want none", len(got))
	}
	for seq := range uint64(2) {
		out := hostileSNMPReplies(raw, seq)
		if len(out) != 7 {
			t.Fatalf("seq %d: %d replies, want 7", seq, len(out))
		}
		for i := range 3 {
			if _, err := decodeSNMP(out[i]); err == nil {
				t.Errorf("seq %d: malformed reply %d decodes", seq, i)
			}
		}
		if p, err := decodeSNMP(out[5]); err != nil || p.RequestID == 77 {
			t.Errorf("seq %d: wrong-ID reply = %+v, %v; want a decodable reply with another ID", seq, p, err)
		}
		last, err := decodeSNMP(out[6])
		if err != nil || last.RequestID != 77 || len(last.Variables) != 2 {
			t.Fatalf("seq %d: last reply = %+v, %v; want 2 varbinds for request 77", seq, last, err)
		}
		if seq == 0 && (len(out[6]) < 60000 || len(out[6]) > 65507) {
			t.Errorf("oversized reply is %d bytes, want 60000..65507", len(out[6]))
		}
		if seq == 1 && last.Variables[0].Type != gosnmp.Integer {
			t.Errorf("wrong-type reply carries %v, want Integer", last.Variables[0].Type)
		}
	}
}

func TestBogusIPPBodies(t *testing.T) {
	for v := range ippVariants {
		b := bogusIPPBody(v, 9)
		if len(b) > 1<<20 {
			t.Errorf("variant %d: %d bytes, over the 1 MiB a collector may read", v, len(b))
		}
		var m goipp.Message
		err := m.DecodeBytes(b)
		if v < ippVariants-1 && err == nil {
			t.Errorf("variant %d decodes; its lengths should lie", v)
		}
		if v == ippVariants-1 && (err != nil || len(m.Printer) != 1 || len(m.Printer[0].Values) < 100000) {
			t.Errorf("many-values variant: err %v, printer group %d attributes", err, len(m.Printer))
		}
	}
}

// TestHostileFleetOnTheWire checks each hostile behaviour as a client sees
// it, only on loopback.
func TestHostileFleetOnTheWire(t *testing.T) {
	const off = 22000
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f, err := Start(ctx, Config{Subnet: netip.MustParsePrefix("127.66.8.0/24"), PortOffset: off, Profiles: HostileProfileNames()})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	addr := map[string]string{}
	for _, d := range f.Devices() {
		addr[d.Profile] = d.Addr.String()
	}
	at := func(profile string, port int) string { return net.JoinHostPort(addr[profile], fmt.Sprint(port+off)) }

	if n, err := readFor(at(ProfileHostileTarpit, 80), "GET / HTTP/1.0\r\n\r\n", 300*time.Millisecond); n != 0 || !isTimeout(err) {
		t.Errorf("tarpit: %d bytes, err %v; want silence until the deadline", n, err)
	}
	if n, _ := readFor(at(ProfileHostileSlowloris, 21), "", 1500*time.Millisecond); n < 1 || n > 2 {
		t.Errorf("slowloris: %d bytes in 1.5 s, want 1 or 2", n)
	}
	if b := first(t, at(ProfileHostileTLSGarbage, 443), 4); b != "G" {
		t.Errorf("tls-garbage: first byte %q, want G", b)
	}

	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(hostPort, path string) *http.Response {
		resp, err := c.Get("http://" + hostPort + path)
		if err != nil {
			t.Fatalf("get %s%s: %v", hostPort, path, err)
		}
		resp.Body.Close()
		return resp
	}
	if loc := get(at(ProfileHostileRedirect, 80), "/a").Header.Get("Location"); loc != "/b" {
		t.Errorf("redirect /a -> %q, want /b", loc)
	}
	st, _ := f.HostileStats(addrName(f, ProfileHostileRedirect))
	if loc := get(at(ProfileHostileRedirect, 8000), "/").Header.Get("Location"); st.CanaryAddr == "" || !strings.Contains(loc, st.CanaryAddr) {
		t.Errorf("off-host redirect to %q, canary at %q", loc, st.CanaryAddr)
	}
	if cl := get(at(ProfileHostileBigBody, 8000), "/").ContentLength; cl != oneGiB {
		t.Errorf("bigbody content length %d, want 1 GiB", cl)
	}

	conn, err := tls.Dial("tcp", at(ProfileHostilePayloads, 443), &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // lab certificate
	if err != nil {
		t.Fatalf("payload tls: %v", err)
	}
	cn := conn.ConnectionState().PeerCertificates[0].Subject.CommonName
	conn.Close()
	if !strings.Contains(cn, "\x1b[31m") || !strings.Contains(cn, PayloadScript) {
		t.Errorf("payload certificate CN = %q, want the raw escape and script", cn)
	}
}

func addrName(f *Fleet, profile string) string {
	for _, d := range f.Devices() {
		if d.Profile == profile {
			return d.Name
		}
	}
	return ""
}

// readFor sends msg and counts the bytes received within d.
func readFor(hostPort, msg string, d time.Duration) (int, error) {
	c, err := net.DialTimeout("tcp", hostPort, time.Second)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	if msg != "" {
		if _, err := io.WriteString(c, msg); err != nil {
			return 0, err
		}
	}
	_ = c.SetReadDeadline(time.Now().Add(d))
	n, err := io.Copy(io.Discard, c)
	return int(n), err
}

func first(t *testing.T, hostPort string, n int) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", hostPort, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	b := make([]byte, n)
	if _, err := io.ReadFull(bufio.NewReader(c), b); err != nil && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	return string(b[:1])
}
