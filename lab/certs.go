package lab

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/netip"
	"time"
)

// labCA signs the certificates of profiles that model a device whose owner
// installed a certificate from their own PKI.
type labCA struct {
	cert *x509.Certificate
	key  crypto.Signer
	pem  []byte
}

func newLabCA(now time.Time) (*labCA, error) {
	// ECDSA keeps Start fast: RSA 2048 generation is the slow part of Start.
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate CA key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: "mfpscan lab CA", Organization: []string{"mfpscan lab"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(5, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("create CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse CA certificate: %w", err)
	}
	return &labCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}, nil
}

func generateKey(kind keyKind) (crypto.Signer, error) {
	switch kind {
	case keyRSA2048:
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, fmt.Errorf("generate RSA key: %w", err)
		}
		return k, nil
	case keyECDSAP256:
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("generate ECDSA key: %w", err)
		}
		return k, nil
	}
	return nil, fmt.Errorf("generate key: unknown key kind %d", kind)
}

// deviceCert issues the certificate a device presents. Self-signed
// certificates mimic the printers' factory certificates (subject = issuer);
// CA-signed ones carry the address as a SAN so a client trusting the lab CA
// can verify them.
func deviceCert(spec *tlsSpec, key crypto.Signer, addr netip.Addr, ca *labCA, now time.Time) (tls.Certificate, error) {
	subject := pkix.Name{CommonName: spec.subjectCN}
	if spec.org != "" {
		subject.Organization = []string{spec.org}
	}
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      subject,
		NotBefore:    now.Add(-24 * time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{addr.AsSlice()},
	}
	if _, ok := key.(*ecdsa.PrivateKey); ok {
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	}
	parent, signer := tmpl, key
	if spec.signedByCA {
		tmpl.DNSNames = []string{spec.subjectCN}
		parent, signer = ca.cert, ca.key
	}
	// Go picks SHA-256 for both RSA 2048 and P-256 signers.
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), signer)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("create certificate %q: %w", spec.subjectCN, err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("parse certificate %q: %w", spec.subjectCN, err)
	}
	chain := [][]byte{der}
	if spec.signedByCA {
		chain = append(chain, ca.cert.Raw)
	}
	return tls.Certificate{Certificate: chain, PrivateKey: key, Leaf: leaf}, nil
}

func randomSerial() *big.Int {
	limit := new(big.Int).Lsh(big.NewInt(1), 63)
	n, err := rand.Int(rand.Reader, limit)
	if err != nil {
		// crypto/rand does not fail on supported platforms; a fixed serial
		// is harmless for a lab certificate.
		return big.NewInt(1)
	}
	return n.Add(n, big.NewInt(1))
}

// serverTLSConfig builds the TLS configuration a device's listeners use.
func serverTLSConfig(spec *tlsSpec, cert tls.Certificate) *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   spec.minVersion,
		MaxVersion:   spec.maxVersion,
		CipherSuites: spec.suites,
	}
}
