package tlsscan

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"time"

	"github.com/mfpscan/mfpscan/facts"
)

// FermatRounds bounds the Fermat factorisation attempt. Keys from the
// library behind CVE-2022-26320 have p and q so close that the first few
// rounds suffice; with the residue sieve 100 000 rounds cost a few tens of
// milliseconds on a 2048-bit modulus.
const FermatRounds = 100_000

// maxCertDER caps the certificate size accepted by ParseCertificate.
const maxCertDER = 64 << 10

// canonSubjectRe matches the factory subjects Canon devices generate for
// themselves ("Canon iR-ADV C5535 III", "Canon Imaging Product").
var canonSubjectRe = regexp.MustCompile(`(?i)^Canon (iR|imageRUNNER|Imaging Product|iPR|imagePRESS|imageCLASS|MF|LBP|i-SENSYS)`)

// ParseCertificate parses a DER certificate into its facts.
func ParseCertificate(der []byte, now time.Time) (facts.Certificate, error) {
	if len(der) > maxCertDER {
		return facts.Certificate{}, fmt.Errorf("parse certificate: %d bytes exceeds %d", len(der), maxCertDER)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return facts.Certificate{}, fmt.Errorf("parse certificate: %w", err)
	}
	return CertificateFacts(c, now), nil
}

// CertificateFacts describes a leaf certificate.
func CertificateFacts(c *x509.Certificate, now time.Time) facts.Certificate {
	sum := sha256.Sum256(c.Raw)
	out := facts.Certificate{
		Subject:            sanitize(c.Subject.String(), 300),
		SubjectCN:          sanitize(c.Subject.CommonName, 200),
		Issuer:             sanitize(c.Issuer.String(), 300),
		SelfSigned:         selfSigned(c),
		NotBefore:          c.NotBefore.UTC(),
		NotAfter:           c.NotAfter.UTC(),
		Expired:            now.After(c.NotAfter),
		SignatureAlgorithm: c.SignatureAlgorithm.String(),
		SHA256:             hex.EncodeToString(sum[:]),
	}
	for i, n := range c.DNSNames {
		if i == 20 {
			break
		}
		out.DNSNames = append(out.DNSNames, sanitize(n, 200))
	}
	out.DefaultCanonSubject = canonSubjectRe.MatchString(c.Subject.CommonName)
	for _, ou := range c.Subject.Organization {
		out.DefaultCanonSubject = out.DefaultCanonSubject || canonSubjectRe.MatchString(ou)
	}
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		out.KeyType, out.KeyBits = "RSA", k.N.BitLen()
		out.FermatWeak = facts.Bool(FermatWeak(k.N, FermatRounds))
	case *ecdsa.PublicKey:
		out.KeyType = "ECDSA"
		if k.Curve != nil {
			out.KeyBits = k.Curve.Params().BitSize
		}
	case ed25519.PublicKey:
		out.KeyType, out.KeyBits = "Ed25519", 256
	default:
		out.KeyType = c.PublicKeyAlgorithm.String()
	}
	return out
}

// selfSigned: the issuer is the subject and the certificate's own key
// verifies its signature. Old devices sign with SHA-1 or MD5, which
// crypto/x509 refuses to verify, so those are checked by hand.
func selfSigned(c *x509.Certificate) bool {
	if !bytes.Equal(c.RawIssuer, c.RawSubject) {
		return false
	}
	err := c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature)
	var insecure x509.InsecureAlgorithmError
	if err == nil || !errors.As(err, &insecure) {
		return err == nil
	}
	var h crypto.Hash
	switch c.SignatureAlgorithm {
	case x509.SHA1WithRSA, x509.ECDSAWithSHA1:
		h = crypto.SHA1
	case x509.MD5WithRSA:
		h = crypto.MD5
	default:
		return false
	}
	if !h.Available() {
		return false
	}
	hh := h.New()
	hh.Write(c.RawTBSCertificate)
	digest := hh.Sum(nil)
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(k, h, digest, c.Signature) == nil
	case *ecdsa.PublicKey:
		return ecdsa.VerifyASN1(k, digest, c.Signature)
	}
	return false
}

// FermatWeak reports whether n = p·q factors by Fermat's method within
// rounds steps from ceil(sqrt(n)), i.e. p and q are dangerously close
// (CVE-2022-26320).
func FermatWeak(n *big.Int, rounds int) bool {
	if n == nil || n.Sign() <= 0 || n.Bit(0) == 0 {
		return false
	}
	a := new(big.Int).Sqrt(n)
	if new(big.Int).Mul(a, a).Cmp(n) == 0 {
		return true // a perfect square is trivially factored
	}
	a.Add(a, big.NewInt(1))
	b2 := new(big.Int).Mul(a, a)
	b2.Sub(b2, n)
	// step = 2a+1 is what b2 grows by when a grows by one; it grows by 2.
	step := new(big.Int).Lsh(a, 1)
	step.Add(step, big.NewInt(1))
	two := big.NewInt(2)
	// Most candidates cannot be squares: tracking b2 modulo a few small
	// numbers, whose squares are rare residues, skips ~99% of the costly
	// square roots without changing any answer.
	sieve := newResidueSieve(a, b2)
	b, sq := new(big.Int), new(big.Int)
	for range rounds {
		if sieve.maybeSquare() {
			b.Sqrt(b2)
			if sq.Mul(b, b).Cmp(b2) == 0 {
				// n = (a-b)(a+b); a-b = 1 would be the trivial factorisation.
				return new(big.Int).Sub(a, b).Cmp(big.NewInt(1)) > 0
			}
		}
		b2.Add(b2, step)
		step.Add(step, two)
		a.Add(a, big.NewInt(1))
		sieve.next()
	}
	return false
}

// sieveModuli have few quadratic residues (12/64, 16/63, 21/65, 6/11), so a
// number passing all four is a square candidate about once in 120 tries.
var sieveModuli = [...]uint64{64, 63, 65, 11}

// residueSieve follows b2 = a² - n modulo each sieve modulus as a grows.
type residueSieve struct {
	a, b2   [len(sieveModuli)]uint64
	squares [len(sieveModuli)][]bool
}

func newResidueSieve(a, b2 *big.Int) *residueSieve {
	s := &residueSieve{}
	m := new(big.Int)
	for i, mod := range sieveModuli {
		s.a[i] = m.Mod(a, new(big.Int).SetUint64(mod)).Uint64()
		s.b2[i] = m.Mod(b2, new(big.Int).SetUint64(mod)).Uint64()
		s.squares[i] = make([]bool, mod)
		for x := range mod {
			s.squares[i][x*x%mod] = true
		}
	}
	return s
}

func (s *residueSieve) maybeSquare() bool {
	for i := range sieveModuli {
		if !s.squares[i][s.b2[i]] {
			return false
		}
	}
	return true
}

// next moves to a+1: b2 grows by 2a+1.
func (s *residueSieve) next() {
	for i, mod := range sieveModuli {
		s.b2[i] = (s.b2[i] + 2*s.a[i] + 1) % mod
		s.a[i] = (s.a[i] + 1) % mod
	}
}
