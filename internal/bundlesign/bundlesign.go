// Package bundlesign signs OPA policy bundles the way `opa build
// --signing-key` does, with OPA's own Go API, for the tests of signed-bundle
// verification: a key pair, a signed .tar.gz, and a tampered copy.
package bundlesign

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/loader"
)

// Alg is the algorithm of the keys KeyPair makes.
const Alg = "ES256"

// KeyPair makes a P-256 key pair and returns the PEM private and public keys.
func KeyPair() (private, public []byte, err error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generate key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, nil, fmt.Errorf("marshal private key: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		return nil, nil, fmt.Errorf("marshal public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), nil
}

// Sign reads the bundle directory dir, signs it with the PEM private key
// under keyID and writes the .tar.gz to out.
func Sign(dir string, private []byte, keyID, out string) error {
	b, err := loader.NewFileLoader().WithRegoVersion(ast.RegoV1).AsBundle(dir)
	if err != nil {
		return fmt.Errorf("load bundle %s: %w", dir, err)
	}
	if err := b.GenerateSignature(bundle.NewSigningConfig(string(private), Alg, ""), keyID, false); err != nil {
		return fmt.Errorf("sign bundle: %w", err)
	}
	var buf bytes.Buffer
	if err := bundle.NewWriter(&buf).Write(*b); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

// Tamper copies the bundle at in to out, replacing old with new in the file
// whose name ends in suffix and keeping the signatures as they were.
func Tamper(in, out, suffix, old, new string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	changed := false
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			return err
		}
		if strings.HasSuffix(hdr.Name, suffix) && bytes.Contains(body, []byte(old)) {
			body = bytes.ReplaceAll(body, []byte(old), []byte(new))
			changed = true
		}
		hdr.Size = int64(len(body))
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := tw.Write(body); err != nil {
			return err
		}
	}
	if !changed {
		return fmt.Errorf("tamper: no file ending in %s holds %q", suffix, old)
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}
