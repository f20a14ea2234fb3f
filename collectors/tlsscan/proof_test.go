package tlsscan

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/collectors/collectortest"
	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testpeer"
)

var loopback = netip.MustParseAddr("127.0.0.1")

// readHello reads one ClientHello record from c.
func readHello(t *testing.T, c net.Conn) (clientHello, []byte, bool) {
	hdr := make([]byte, 5)
	if _, err := io.ReadFull(c, hdr); err != nil {
		return clientHello{}, nil, false
	}
	body := make([]byte, int(hdr[3])<<8|int(hdr[4]))
	if _, err := io.ReadFull(c, body); err != nil {
		return clientHello{}, nil, false
	}
	raw := append(hdr, body...)
	return decodeClientHello(t, raw), raw, true
}

// TestScanAcceptAndCloseIsUnknown: a port that accepts and closes (or
// resets) proves nothing. It must not read as "TLS checked, every version
// off" (issue 14, item 3).
func TestScanAcceptAndCloseIsUnknown(t *testing.T) {
	for _, mode := range []string{"close", "reset"} {
		t.Run(mode, func(t *testing.T) {
			port := serveRaw(t, func(c net.Conn) {
				_, _, _ = readHello(t, c)
				if mode == "reset" {
					_ = c.(*net.TCPConn).SetLinger(0)
				}
			})
			svc := ScanPort(context.Background(), testEnv(t), loopback, port)
			if svc.Status == facts.StatusOK || len(svc.Versions) != 0 || len(svc.Unknown) != 5 {
				t.Errorf("status %s versions %v unknown %v", svc.Status, svc.Versions, svc.Unknown)
			}
			want := map[string]string{"close": "closed without an answer", "reset": "connection reset"}[mode]
			if !strings.Contains(svc.Unknown[KeyTLS10], want) || !strings.Contains(svc.Reason, want) {
				t.Errorf("unknown %v, reason %q; want %q", svc.Unknown, svc.Reason, want)
			}
		})
	}
}

// prefixConn replays bytes already read before the connection's own.
type prefixConn struct {
	net.Conn
	r io.Reader
}

func (c prefixConn) Read(b []byte) (int, error) { return c.r.Read(b) }

// TestScanResetVersionIsUnknown: a server that resets legacy hellos but
// serves TLS 1.2 and 1.3 has those on, and the legacy versions unknown, not
// off.
func TestScanResetVersionIsUnknown(t *testing.T) {
	pair, _, _ := testKeyPair(t, "Canon iR-ADV C5535 III")
	cfg := &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	port := serveRaw(t, func(c net.Conn) {
		h, raw, ok := readHello(t, c)
		if !ok {
			return
		}
		if h.version < versionTLS12 {
			_ = c.(*net.TCPConn).SetLinger(0)
			return
		}
		_ = tls.Server(prefixConn{c, io.MultiReader(strings.NewReader(string(raw)), c)}, cfg).Handshake()
	})
	svc := ScanPort(context.Background(), testEnv(t), loopback, port)
	if svc.Status != facts.StatusOK || !svc.Versions[KeyTLS12] || !svc.Versions[KeyTLS13] {
		t.Fatalf("status %s versions %v", svc.Status, svc.Versions)
	}
	for _, k := range []string{KeySSL3, KeyTLS10, KeyTLS11} {
		if _, decided := svc.Versions[k]; decided || svc.Unknown[k] != "connection reset" {
			t.Errorf("%s: versions %v unknown %v", k, svc.Versions, svc.Unknown)
		}
	}
	if svc.Certificate == nil || !svc.Certificate.DefaultCanonSubject {
		t.Errorf("certificate %+v %s", svc.Certificate, svc.CertificateReason)
	}
	if len(svc.Groups) == 0 || !slices.Contains(svc.Groups, "x25519") {
		t.Errorf("groups %v", svc.Groups)
	}
}

// TestScanOversizedChain: a chain over the limit leaves the certificate
// unknown with the reason, and the versions decided by their ServerHellos.
func TestScanOversizedChain(t *testing.T) {
	pair, der, _ := testKeyPair(t, "Canon iR-ADV C5535 III")
	for len(pair.Certificate)*len(der) < certLimit+len(der) {
		pair.Certificate = append(pair.Certificate, der)
	}
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{pair}, MaxVersion: tls.VersionTLS12, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				_ = c.SetDeadline(time.Now().Add(5 * time.Second))
				_ = c.(*tls.Conn).Handshake()
				c.Close()
			}()
		}
	}()
	t.Logf("chain %d certs of %d bytes", len(pair.Certificate), len(der))
	svc := ScanPort(context.Background(), testEnv(t), loopback, l.Addr().(*net.TCPAddr).Port)
	if svc.Status != facts.StatusOK || !svc.Versions[KeyTLS12] || svc.Versions[KeyTLS10] || len(svc.Ciphers[KeyTLS12]) == 0 {
		t.Fatalf("status %s versions %v", svc.Status, svc.Versions)
	}
	if svc.Certificate != nil || !strings.Contains(svc.CertificateReason, "exceeds") {
		t.Errorf("certificate %v reason %q", svc.Certificate != nil, svc.CertificateReason)
	}
}

// TestScanLegacyServerFacts: a raw server that accepts DEFLATE, has no
// renegotiation_info, ignores TLS_FALLBACK_SCSV and follows the client's
// order.
func TestScanLegacyServerFacts(t *testing.T) {
	serves := []uint16{0x000A, 0x002F, 0x0035}
	port := serveRaw(t, func(c net.Conn) {
		h, _, ok := readHello(t, c)
		if !ok {
			return
		}
		if h.version != versionTLS10 && h.version != versionTLS11 {
			_, _ = c.Write(record(recordAlert, []byte{2, alertProtocolVersion}))
			return
		}
		for _, s := range h.suites {
			if slices.Contains(serves, s) {
				sh := serverHelloExt(h.version, s, nil)
				if slices.Contains(h.compression, 1) {
					sh[4+2+32+1+2] = 1 // compression method: DEFLATE
				}
				_, _ = c.Write(record(recordHandshake, sh))
				return
			}
		}
		_, _ = c.Write(record(recordAlert, []byte{2, 40}))
	})
	svc := ScanPort(context.Background(), testEnv(t), loopback, port)
	if got := acceptedKeys(svc.Versions); !slices.Equal(got, []string{KeyTLS10, KeyTLS11}) || len(svc.Versions) != 5 {
		t.Fatalf("versions %v unknown %v", svc.Versions, svc.Unknown)
	}
	var ids []uint16
	for _, c := range svc.Ciphers[KeyTLS11] {
		ids = append(ids, c.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, serves) {
		t.Errorf("tls1.1 suites %x", ids)
	}
	check := func(name string, got *bool, want bool) {
		if got == nil || *got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("compression", svc.Compression, true)
	check("secure renegotiation", svc.SecureRenegotiation, false)
	check("downgrade accepted", svc.DowngradeAccepted, true)
	check("server preference", svc.ServerPreference, false)
	if svc.Certificate != nil || svc.CertificateReason == "" {
		t.Errorf("certificate %+v reason %q", svc.Certificate, svc.CertificateReason)
	}
}

// TestScanServerPreference: OpenSSL with -serverpref picks its own order.
func TestScanServerPreference(t *testing.T) {
	testpeer.Path(t, "openssl", "Debian package openssl")
	for _, pref := range []bool{true, false} {
		args := []string{"-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:AES128-SHA"}
		if pref {
			args = append(args, "-serverpref")
		}
		port := opensslServer(t, args...)
		svc := ScanPort(context.Background(), testEnv(t), loopback, port)
		if svc.ServerPreference == nil || *svc.ServerPreference != pref {
			t.Errorf("-serverpref %v: server preference %v", pref, svc.ServerPreference)
		}
	}
}

// TestCollectAcceptAndClose: through the collector, such a port is in the
// facts with a non-ok status, so TLS rules give review.
func TestCollectAcceptAndClose(t *testing.T) {
	port := serveRaw(t, func(c net.Conn) { _, _ = bufio.NewReader(c).Peek(5) })
	tgt := collectortest.Target(map[int]string{port: collectors.RoleHTTPS})
	var doc facts.Device
	st := New().Collect(context.Background(), testEnv(t), tgt, &doc)
	if st.Status == facts.StatusOK || len(doc.TLS) != 1 || doc.TLS[0].Status == facts.StatusOK || len(doc.TLS[0].Versions) != 0 {
		t.Errorf("collector %+v facts %+v", st, doc.TLS)
	}
}

// TestScanSilentPortCostsTwoProbes: a port that never answers gets the two
// pilot hellos, not the ~50 of a full enumeration each waiting its timeout.
func TestScanSilentPortCostsTwoProbes(t *testing.T) {
	var conns atomic.Int64
	port := serveRaw(t, func(c net.Conn) {
		conns.Add(1)
		_, _ = io.Copy(io.Discard, c)
	})
	env := testEnv(t)
	env.Options.Timeout = 100 * time.Millisecond
	svc := ScanPort(context.Background(), env, loopback, port)
	if svc.Status != facts.StatusTimeout || len(svc.Versions) != 0 || svc.Unknown[KeyTLS12] != "timed out" {
		t.Errorf("status %s versions %v unknown %v", svc.Status, svc.Versions, svc.Unknown)
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("%d connections, want the 2 pilot probes", n)
	}
}
