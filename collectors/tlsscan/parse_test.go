package tlsscan

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/internal/testfile"
)

// fixtureNow lies inside every fixture certificate's validity (the shortest,
// canon_imaging_sha1_rsa1024.der, is valid 2026-11-26 10:35 to 2026-11-27 10:35 UTC),
// so the tests do not depend on the day they run.
var fixtureNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func TestParseCertificate(t *testing.T) {
	now := fixtureNow
	tests := []struct {
		file     string
		keyType  string
		bits     int
		canon    bool
		fermat   *bool
		cn       string
		dnsNames []string
	}{
		{"canon_iradv_rsa2048.der", "RSA", 2048, true, new(bool), "Canon iR-ADV C5535 III", nil},
		{"canon_imaging_sha1_rsa1024.der", "RSA", 1024, true, new(bool), "Canon Imaging Product", nil},
		{"ecdsa_p256.der", "ECDSA", 256, false, nil, "printer.example.test", []string{"printer.example.test"}},
		{"ed25519.der", "Ed25519", 256, false, nil, "ed25519.test", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, err := ParseCertificate(testfile.Testdata(t, "tls", tt.file), now)
			if err != nil {
				t.Fatal(err)
			}
			if c.KeyType != tt.keyType || c.KeyBits != tt.bits || c.DefaultCanonSubject != tt.canon ||
				c.SubjectCN != tt.cn || !slices.Equal(c.DNSNames, tt.dnsNames) {
				t.Errorf("got %+v", c)
			}
			if (c.FermatWeak == nil) != (tt.fermat == nil) || (c.FermatWeak != nil && *c.FermatWeak) {
				t.Errorf("FermatWeak = %v", c.FermatWeak)
			}
			if !c.SelfSigned || c.Expired || len(c.SHA256) != 64 || c.Subject != c.Issuer {
				t.Errorf("self-signed %v expired %v sha %q", c.SelfSigned, c.Expired, c.SHA256)
			}
			if later, _ := ParseCertificate(testfile.Testdata(t, "tls", tt.file), now.AddDate(20, 0, 0)); !later.Expired {
				t.Error("not expired 20 years on")
			}
		})
	}
	if _, err := ParseCertificate([]byte("garbage"), now); err == nil {
		t.Error("garbage parsed")
	}
}

func TestSHA1SelfSignedFallback(t *testing.T) {
	c, err := x509.ParseCertificate(testfile.Testdata(t, "tls", "canon_imaging_sha1_rsa1024.der"))
	if err != nil {
		t.Fatal(err)
	}
	if c.SignatureAlgorithm != x509.SHA1WithRSA {
		t.Fatalf("seed is %v, want SHA1-RSA", c.SignatureAlgorithm)
	}
	if !selfSigned(c) {
		t.Error("SHA-1 self-signed certificate not recognised")
	}
	c.Signature = slices.Clone(c.Signature)
	c.Signature[10] ^= 0xff
	if selfSigned(c) {
		t.Error("corrupted signature accepted")
	}
}

// closePrimeModulus builds an RSA public key whose primes are adjacent,
// like the keys of the library behind CVE-2022-26320. crypto/rsa refuses to
// use such a key for signing, so certificates carrying it are signed by
// another key.
func closePrimeModulus(t testing.TB) *rsa.PublicKey {
	t.Helper()
	p, err := rand.Prime(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	q := new(big.Int).Add(p, big.NewInt(2))
	for !q.ProbablyPrime(20) {
		q.Add(q, big.NewInt(2))
	}
	return &rsa.PublicKey{N: new(big.Int).Mul(p, q), E: 65537}
}

func signedCert(t testing.TB, pub *rsa.PublicKey, signer *rsa.PrivateKey, cn string) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    fixtureNow.Add(-time.Hour),
		NotAfter:     fixtureNow.Add(24 * time.Hour),
		IPAddresses:  nil,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFermatWeak(t *testing.T) {
	strong, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	c := CertificateFacts(signedCert(t, closePrimeModulus(t), strong, "Canon iR-ADV C3325"), fixtureNow)
	if c.FermatWeak == nil || !*c.FermatWeak || c.SelfSigned {
		t.Errorf("close-prime key: weak %v self-signed %v", c.FermatWeak, c.SelfSigned)
	}
	c = CertificateFacts(signedCert(t, &strong.PublicKey, strong, "printer"), fixtureNow)
	if c.FermatWeak == nil || *c.FermatWeak || !c.SelfSigned {
		t.Errorf("random key: weak %v self-signed %v", c.FermatWeak, c.SelfSigned)
	}
	for _, n := range []int64{0, -5, 4, 15, 35} {
		// 4 is even; 15 = 3·5 and 35 = 5·7 factor quickly; 0 and -5 are junk.
		want := n == 15 || n == 35
		if got := FermatWeak(big.NewInt(n), 10); got != want {
			t.Errorf("FermatWeak(%d) = %v, want %v", n, got, want)
		}
	}
	if FermatWeak(big.NewInt(13), 100) {
		t.Error("prime 13 reported factorable")
	}
}

func TestCipherWeaknesses(t *testing.T) {
	tests := []struct {
		id   uint16
		want []string
	}{
		{tls.TLS_RSA_WITH_RC4_128_SHA, []string{WeakRC4, WeakNoPFS}},
		{tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA, []string{Weak3DES, WeakCBCSHA1, WeakNoPFS}},
		{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, []string{WeakCBCSHA1}},
		{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, nil},
		{tls.TLS_RSA_WITH_AES_128_GCM_SHA256, []string{WeakNoPFS}},
		{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, nil},
		{tls.TLS_AES_128_GCM_SHA256, nil},
		{0x0001, []string{WeakNull, WeakNoPFS}},
		{0x0003, []string{WeakExport, WeakRC4, WeakNoPFS}},
		{0x0016, []string{Weak3DES, WeakCBCSHA1}},
	}
	for _, tt := range tests {
		name := CipherName(tt.id)
		if got := CipherWeaknesses(name); !slices.Equal(got, tt.want) {
			t.Errorf("CipherWeaknesses(%s) = %v, want %v", name, got, tt.want)
		}
	}
}

func serverHello(version uint16, suite uint16, sid int) []byte {
	body := []byte{byte(version >> 8), byte(version)}
	body = append(body, make([]byte, 32)...)
	body = append(body, byte(sid))
	body = append(body, make([]byte, sid)...)
	body = append(body, byte(suite>>8), byte(suite), 0)
	hs := append([]byte{2, 0, byte(len(body) >> 8), byte(len(body))}, body...)
	return append([]byte{0x16, 3, byte(version), byte(len(hs) >> 8), byte(len(hs))}, hs...)
}

func TestParseSSLv3Reply(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		ok      bool
		suite   uint16
		wantErr bool
	}{
		{"ssl3 hello", serverHello(0x0300, 0x000A, 32), true, 0x000A, false},
		{"tls1.2 hello", serverHello(0x0303, 0xC02F, 0), false, 0, false},
		{"alert", []byte{0x15, 3, 0, 0, 2, 2, 40}, false, 0, false},
		{"http reply", []byte("HTTP/1.1 400 Bad Request\r\n"), false, 0, true},
		{"short", []byte{0x16, 3}, false, 0, true},
		{"truncated hello", serverHello(0x0300, 0x000A, 32)[:40], false, 0, true},
		{"sid overflow", func() []byte { b := serverHello(0x0300, 5, 0); b[5+38] = 255; return b }(), false, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, suite, err := ParseSSLv3Reply(tt.data)
			if ok != tt.ok || suite != tt.suite || (err != nil) != tt.wantErr {
				t.Errorf("got %v %#x %v", ok, suite, err)
			}
		})
	}
	hello := BuildSSLv3Hello([32]byte{})
	if hello[0] != 0x16 || hello[1] != 3 || hello[2] != 0 || int(hello[3])<<8|int(hello[4]) != len(hello)-5 {
		t.Errorf("bad hello header % x", hello[:5])
	}
}

func FuzzParseCertificate(f *testing.F) {
	for _, n := range []string{"canon_iradv_rsa2048.der", "canon_imaging_sha1_rsa1024.der", "ecdsa_p256.der", "ed25519.der"} {
		f.Add(testfile.Testdata(f, "tls", n))
	}
	now := fixtureNow
	f.Fuzz(func(t *testing.T, der []byte) {
		c, err := ParseCertificate(der, now)
		if err == nil && (c.SHA256 == "" || c.KeyType == "") {
			t.Fatalf("parsed certificate without hash or key type: %+v", c)
		}
	})
}

func FuzzParseSSLv3Reply(f *testing.F) {
	f.Add(serverHello(0x0300, 0x000A, 32))
	f.Add([]byte{0x15, 3, 0, 0, 2, 2, 40})
	f.Fuzz(func(t *testing.T, data []byte) {
		ok, _, err := ParseSSLv3Reply(data)
		if ok && err != nil {
			t.Fatal("accepted with error")
		}
	})
}
