package tlsscan

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"encoding/xml"
	"io"
	"maps"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/collectors/collectortest"
	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testnet"
	"github.com/mfpscan/mfpscan/internal/testpeer"
)

func testEnv(t *testing.T) *collectors.Env { return collectortest.Env(t, 5*time.Second) }

func testKeyPair(t *testing.T, cn string) (tls.Certificate, []byte, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	cert := signedCert(t, &key.PublicKey, key, cn)
	return tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key}, cert.Raw, key
}

// goServer serves TLS handshakes on 127.0.0.1:0 until the test ends.
func goServer(t *testing.T, minV, maxV uint16) int {
	t.Helper()
	pair, _, _ := testKeyPair(t, "Canon iR-ADV C5535 III")
	cfg := &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: minV, MaxVersion: maxV}
	return testnet.Serve(t, "127.0.0.1:0", func(c net.Conn) {
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		_ = tls.Server(c, cfg).Handshake()
	}).Port
}

func acceptedKeys(v map[string]bool) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(v)) {
		if v[k] {
			out = append(out, k)
		}
	}
	return out
}

func TestScanGoServers(t *testing.T) {
	tests := []struct {
		name       string
		minV, maxV uint16
		want       []string
	}{
		{"tls1.0 only", tls.VersionTLS10, tls.VersionTLS10, []string{KeyTLS10}},
		{"tls1.2 only", tls.VersionTLS12, tls.VersionTLS12, []string{KeyTLS12}},
		{"tls1.2 and 1.3", tls.VersionTLS12, tls.VersionTLS13, []string{KeyTLS12, KeyTLS13}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			port := goServer(t, tt.minV, tt.maxV)
			svc := ScanPort(context.Background(), testEnv(t), netip.MustParseAddr("127.0.0.1"), port)
			if svc.Status != facts.StatusOK {
				t.Fatalf("status %s %s", svc.Status, svc.Reason)
			}
			if got := acceptedKeys(svc.Versions); !slices.Equal(got, tt.want) {
				t.Errorf("accepted %v, want %v (all %v)", got, tt.want, svc.Versions)
			}
			if len(svc.Versions) != 5 {
				t.Errorf("versions tested: %v", svc.Versions)
			}
			for _, k := range tt.want {
				if len(svc.Ciphers[k]) == 0 {
					t.Errorf("no ciphers for %s", k)
				}
			}
			if c := svc.Certificate; c == nil || !c.DefaultCanonSubject || !c.SelfSigned || c.FermatWeak == nil || *c.FermatWeak {
				t.Errorf("certificate %+v", svc.Certificate)
			}
		})
	}
}

func TestCollectStatuses(t *testing.T) {
	port := testnet.FreePort(t, "tcp")
	tgt := collectortest.Target(map[int]string{port: collectors.RoleHTTPS})
	var doc facts.Device
	st := New().Collect(context.Background(), testEnv(t), tgt, &doc)
	if st.Status != facts.StatusRefused || len(doc.TLS) != 1 || len(doc.TLS[0].Versions) != 0 {
		t.Errorf("refused port: %+v %+v", st, doc.TLS)
	}
	// One ClientHello record per version, each refused.
	if len(doc.Probes) != 5 {
		t.Errorf("probes %+v, want one per version", doc.Probes)
	}
	for _, p := range doc.Probes {
		if p.Collector != "tls" || p.Port != port || p.Outcome != facts.ProbeRefused {
			t.Errorf("probe %+v, want tls refused on %d", p, port)
		}
	}
	st = New().Collect(context.Background(), testEnv(t), &collectors.Target{Addr: tgt.Addr}, &doc)
	if st.Status != facts.StatusClosed {
		t.Errorf("no ports: %+v", st)
	}
}

// sslscanResult is the part of sslscan's XML we compare against.
type sslscanResult struct {
	Protocols []struct {
		Type    string `xml:"type,attr"`
		Version string `xml:"version,attr"`
		Enabled string `xml:"enabled,attr"`
	} `xml:"ssltest>protocol"`
	Ciphers []struct {
		SSLVersion string `xml:"sslversion,attr"`
		ID         string `xml:"id,attr"`
	} `xml:"ssltest>cipher"`
	Groups []struct {
		SSLVersion string `xml:"sslversion,attr"`
		ID         string `xml:"id,attr"`
	} `xml:"ssltest>group"`
	Renegotiation []struct {
		Supported string `xml:"supported,attr"`
		Secure    string `xml:"secure,attr"`
	} `xml:"ssltest>renegotiation"`
}

type sslscanView struct {
	versions map[string]bool
	ciphers  map[string][]uint16
	groups13 []uint16
}

func runSSLScan(t *testing.T, port int) sslscanView {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "sslscan", "--no-colour", "--xml=-", "127.0.0.1:"+strconv.Itoa(port)).Output()
	if err != nil {
		t.Fatalf("run sslscan: %v", err)
	}
	var res sslscanResult
	if err := xml.Unmarshal(out, &res); err != nil {
		t.Fatalf("parse sslscan xml: %v", err)
	}
	keys := map[string]string{"ssl3": KeySSL3, "tls1.0": KeyTLS10, "tls1.1": KeyTLS11, "tls1.2": KeyTLS12, "tls1.3": KeyTLS13}
	names := map[string]string{"SSLv3": KeySSL3, "TLSv1.0": KeyTLS10, "TLSv1.1": KeyTLS11, "TLSv1.2": KeyTLS12, "TLSv1.3": KeyTLS13}
	v := sslscanView{versions: map[string]bool{}, ciphers: map[string][]uint16{}}
	for _, p := range res.Protocols {
		if k, ok := keys[p.Type+p.Version]; ok {
			v.versions[k] = p.Enabled == "1"
		}
	}
	hex16 := func(s string) uint16 {
		id, err := strconv.ParseUint(strings.TrimPrefix(s, "0x"), 16, 16)
		if err != nil {
			t.Fatalf("id %q: %v", s, err)
		}
		return uint16(id)
	}
	for _, c := range res.Ciphers {
		v.ciphers[names[c.SSLVersion]] = append(v.ciphers[names[c.SSLVersion]], hex16(c.ID))
	}
	for _, g := range res.Groups {
		if g.SSLVersion == "TLSv1.3" {
			v.groups13 = append(v.groups13, hex16(g.ID))
		}
	}
	if len(v.versions) != 5 {
		t.Fatalf("sslscan reported %v", res.Protocols)
	}
	return v
}

// opensslServer runs `openssl s_server` on a free loopback port and waits
// until it accepts connections.
func opensslServer(t *testing.T, args ...string) int {
	t.Helper()
	dir := t.TempDir()
	_, der, key := testKeyPair(t, "Canon Imaging Product")
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: mustPKCS8(t, key)}), 0o600); err != nil {
		t.Fatal(err)
	}
	port := testnet.FreePort(t, "tcp")
	all := append([]string{"s_server", "-accept", "127.0.0.1:" + strconv.Itoa(port), "-cert", certFile, "-key", keyFile, "-quiet", "-naccept", "100000"}, args...)
	cmd := exec.Command("openssl", all...)
	cmd.Stdin = nil
	if err := cmd.Start(); err != nil {
		t.Fatalf("start openssl: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
		if err == nil {
			c.Close()
			return port
		}
		if time.Now().After(deadline) {
			t.Fatalf("openssl s_server not ready: %v", err)
		}
		time.Sleep(20 * time.Millisecond) // readiness poll interval, not a wait for the server
	}
}

func mustPKCS8(t *testing.T, key *rsa.PrivateKey) []byte {
	b, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestScanMatchesSSLScan scans real OpenSSL servers with mfpscan and
// sslscan in the same run: versions, the suites of every version (by IANA
// id) and the TLS 1.3 groups must be equal.
func TestScanMatchesSSLScan(t *testing.T) {
	testpeer.Path(t, "sslscan", "Debian package sslscan")
	testpeer.Path(t, "openssl", "Debian package openssl")
	all13 := "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256"
	tests := []struct {
		name      string
		args      []string
		want      []string
		minSuites map[string]int
		weak      []string // weaknesses that must be seen
	}{
		{"a: tls1.0-1.3 ALL at seclevel 0", []string{"-cipher", "ALL:@SECLEVEL=0", "-ciphersuites", all13},
			[]string{KeyTLS10, KeyTLS11, KeyTLS12, KeyTLS13}, map[string]int{KeyTLS12: 40, KeyTLS13: 5}, []string{WeakAnon, WeakCBCSHA1, WeakNoPFS}},
		{"b: tls1.2 three ECDHE suites", []string{"-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305"},
			[]string{KeyTLS12}, map[string]int{KeyTLS12: 3}, nil},
		{"c: defaults", nil, []string{KeyTLS12, KeyTLS13}, map[string]int{KeyTLS12: 10, KeyTLS13: 3}, nil},
		{"d: tls1.2 DHE only at the default seclevel", []string{"-tls1_2", "-cipher", "kDHE+aRSA"},
			[]string{KeyTLS12}, map[string]int{KeyTLS12: 4}, nil},
		{"e: legacy only, NULL and anonymous", []string{"-no_tls1_3", "-cipher", "aNULL:eNULL:@SECLEVEL=0"},
			[]string{KeyTLS10, KeyTLS11, KeyTLS12}, map[string]int{KeyTLS10: 4, KeyTLS12: 8}, []string{WeakNull, WeakAnon}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			port := opensslServer(t, tt.args...)
			var svc facts.TLSService
			start := time.Now()
			svc = ScanPort(context.Background(), testEnv(t), netip.MustParseAddr("127.0.0.1"), port)
			mine := time.Since(start)
			start = time.Now()
			ref := runSSLScan(t, port)
			t.Logf("mfpscan %v, sslscan %v (informational; the benchmark is docs/BENCHMARKS.md)", mine, time.Since(start))
			if svc.Status != facts.StatusOK || len(svc.Unknown) != 0 {
				t.Fatalf("status %s %s, unknown %v", svc.Status, svc.Reason, svc.Unknown)
			}
			for _, k := range []string{KeySSL3, KeyTLS10, KeyTLS11, KeyTLS12, KeyTLS13} {
				got, ok := svc.Versions[k]
				if !ok || got != ref.versions[k] {
					t.Errorf("%s: mfpscan %v (decided %v), sslscan %v", k, got, ok, ref.versions[k])
				}
			}
			if got := acceptedKeys(svc.Versions); !slices.Equal(got, tt.want) {
				t.Errorf("accepted %v, want %v", got, tt.want)
			}
			seen := map[string]bool{}
			for _, k := range []string{KeySSL3, KeyTLS10, KeyTLS11, KeyTLS12, KeyTLS13} {
				var got []uint16
				for _, c := range svc.Ciphers[k] {
					got = append(got, c.ID)
					for _, w := range c.Weak {
						seen[w] = true
					}
				}
				want := slices.Clone(ref.ciphers[k])
				slices.Sort(want)
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("%s suites: mfpscan %d %x\nsslscan %d %x", k, len(got), got, len(want), want)
				}
				t.Logf("%s: %d suites, sslscan %d", k, len(got), len(want))
				if len(got) < tt.minSuites[k] {
					t.Errorf("%s: %d suites, expected at least %d", k, len(got), tt.minSuites[k])
				}
			}
			for _, w := range tt.weak {
				if !seen[w] {
					t.Errorf("weakness %s not seen in %v", w, svc.Ciphers)
				}
			}
			var groups []uint16
			for _, g := range svc.Groups {
				for _, n := range groupNames {
					if n.name == g {
						groups = append(groups, n.id)
					}
				}
			}
			slices.Sort(groups)
			refGroups := slices.Clone(ref.groups13)
			slices.Sort(refGroups)
			if !slices.Equal(groups, refGroups) {
				t.Errorf("tls1.3 groups: mfpscan %v, sslscan %x", svc.Groups, refGroups)
			}
			if slices.Contains(tt.want, KeyTLS12) && (svc.SecureRenegotiation == nil || !*svc.SecureRenegotiation) {
				t.Errorf("secure renegotiation %v", svc.SecureRenegotiation)
			}
			if svc.Compression == nil || *svc.Compression {
				t.Errorf("compression %v", svc.Compression)
			}
			if len(tt.want) > 1 && (svc.DowngradeAccepted == nil || *svc.DowngradeAccepted) {
				t.Errorf("downgrade accepted %v", svc.DowngradeAccepted)
			}
			if tt.name[0] != 'e' && (svc.Certificate == nil || !svc.Certificate.DefaultCanonSubject) {
				t.Errorf("certificate %+v (%s)", svc.Certificate, svc.CertificateReason)
			}
		})
	}
}

func TestCollectIPPRole(t *testing.T) {
	plain, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	go func() {
		for {
			c, err := plain.Accept()
			if err != nil {
				return
			}
			// A plain IPP server answers a TLS hello with an HTTP error.
			_, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
			c.Close()
		}
	}()
	plainPort := plain.Addr().(*net.TCPAddr).Port
	tlsPort := goServer(t, tls.VersionTLS12, tls.VersionTLS13)
	tgt := collectortest.Target(map[int]string{plainPort: collectors.RoleIPP, tlsPort: collectors.RoleIPP})
	var doc facts.Device
	st := New().Collect(context.Background(), testEnv(t), tgt, &doc)
	if st.Status != facts.StatusOK || len(doc.TLS) != 1 || doc.TLS[0].Port != tlsPort {
		t.Fatalf("status %+v tls %+v", st, doc.TLS)
	}
	if got := acceptedKeys(doc.TLS[0].Versions); !slices.Equal(got, []string{KeyTLS12, KeyTLS13}) {
		t.Errorf("ipp tls versions %v", got)
	}
	tgt.Ports = slices.DeleteFunc(tgt.Ports, func(p facts.Port) bool { return p.Port != plainPort })
	doc = facts.Device{}
	st = New().Collect(context.Background(), testEnv(t), tgt, &doc)
	if st.Status != facts.StatusSkipped || len(doc.TLS) != 0 {
		t.Errorf("plain ipp only: %+v %+v", st, doc.TLS)
	}
}

// serveRaw accepts connections on loopback and hands each to handle.
func serveRaw(t *testing.T, handle func(net.Conn)) int {
	t.Helper()
	return testnet.Serve(t, "127.0.0.1:0", func(c net.Conn) {
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		handle(c)
	}).Port
}

// scanOneVersion scans a raw server that answers the hellos accept picks
// with reply and any other with a fatal alert (description desc), and
// requires the scan to report exactly version key accepted of the five.
func scanOneVersion(t *testing.T, key string, accept func(hello []byte) bool, reply []byte, desc byte) facts.TLSService {
	t.Helper()
	port := serveRaw(t, func(c net.Conn) {
		buf := make([]byte, 4096)
		n, err := io.ReadAtLeast(c, buf, 11)
		if err != nil {
			return
		}
		if accept(buf[:n]) {
			_, _ = c.Write(reply)
			return
		}
		_, _ = c.Write([]byte{0x15, 3, 1, 0, 2, 2, desc})
	})
	svc := ScanPort(context.Background(), testEnv(t), netip.MustParseAddr("127.0.0.1"), port)
	if got := acceptedKeys(svc.Versions); !slices.Equal(got, []string{key}) || len(svc.Versions) != 5 {
		t.Errorf("versions %v, want only %s accepted", svc.Versions, key)
	}
	return svc
}

func TestScanSSLv3Only(t *testing.T) {
	// Record version 3.0 and client_version 3.0: our SSLv3 hello. Any
	// other hello gets a protocol_version alert.
	ssl3 := func(hello []byte) bool { return hello[1] == 3 && hello[2] == 0 && hello[9] == 3 && hello[10] == 0 }
	svc := scanOneVersion(t, KeySSL3, ssl3, serverHello(0x0300, 0x000A, 0), 70)
	if c := svc.Ciphers[KeySSL3]; len(c) != 1 || c[0].ID != 0x000A || !slices.Contains(c[0].Weak, Weak3DES) {
		t.Errorf("ssl3 ciphers %+v", c)
	}
}

func TestScanSilentServerTimesOut(t *testing.T) {
	port := serveRaw(t, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
	env := testEnv(t)
	env.Options.Timeout = 200 * time.Millisecond
	svc := ScanPort(context.Background(), env, netip.MustParseAddr("127.0.0.1"), port)
	// Nothing was learnt about any version: absent, not refused.
	if svc.Status != facts.StatusTimeout || len(svc.Versions) != 0 {
		t.Errorf("silent server: %s %v", svc.Status, svc.Versions)
	}
}

// TestScanRawFallback: a server whose only suite crypto/tls lacks (DHE) is
// still found to speak TLS 1.0, by the raw-hello fallback.
func TestScanRawFallback(t *testing.T) {
	tls10DHE := func(hello []byte) bool {
		offersDHE := false
		// Suites start after header(5) type+len(4) version(2) random(32) sid.
		if off := 5 + 4 + 2 + 32; len(hello) > off {
			off += 1 + int(hello[off])
			if len(hello) >= off+2 {
				l := int(hello[off])<<8 | int(hello[off+1])
				for i := off + 2; i+1 < off+2+l && i+1 < len(hello); i += 2 {
					offersDHE = offersDHE || (hello[i] == 0x00 && hello[i+1] == 0x33)
				}
			}
		}
		return hello[9] == 3 && hello[10] == 1 && offersDHE
	}
	svc := scanOneVersion(t, KeyTLS10, tls10DHE, serverHello(0x0301, 0x0033, 0), 40)
	if c := svc.Ciphers[KeyTLS10]; len(c) != 1 || c[0].Name != "TLS_DHE_RSA_WITH_AES_128_CBC_SHA" || !slices.Equal(c[0].Weak, []string{WeakCBCSHA1}) {
		t.Errorf("tls1.0 ciphers %+v", c)
	}
}
