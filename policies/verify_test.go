package policies

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/internal/bundlesign"
)

// signedFixture signs testdata/bundle with a fresh key and returns the
// bundle, a tampered copy, and the public and a foreign public key files.
func signedFixture(t *testing.T) (signed, tampered, pub, otherPub string) {
	t.Helper()
	dir := t.TempDir()
	priv, pubPEM, err := bundlesign.KeyPair()
	if err != nil {
		t.Fatal(err)
	}
	_, otherPEM, err := bundlesign.KeyPair()
	if err != nil {
		t.Fatal(err)
	}
	signed = filepath.Join(dir, "signed.tar.gz")
	if err := bundlesign.Sign("testdata/bundle", priv, "default", signed); err != nil {
		t.Fatal(err)
	}
	// Loosen the rule: the limit check can no longer fail.
	tampered = filepath.Join(dir, "tampered.tar.gz")
	if err := bundlesign.Tamper(signed, tampered, "rule.rego", "> data.bundled.limit", "> 1000000"); err != nil {
		t.Fatal(err)
	}
	pub, otherPub = filepath.Join(dir, "pub.pem"), filepath.Join(dir, "other.pem")
	for p, b := range map[string][]byte{pub: pubPEM, otherPub: otherPEM} {
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return signed, tampered, pub, otherPub
}

func TestSignedBundle(t *testing.T) {
	signed, tampered, pub, otherPub := signedFixture(t)
	key := &BundleKey{File: pub, Algorithm: bundlesign.Alg}

	e := loadFixture(t, Options{Policies: []string{signed}, BundleKey: key})
	if _, ok := e.Rule("TEST-BUNDLE-001"); !ok {
		t.Fatalf("signed bundle verified but its rule is missing: %v", ruleIDs(e))
	}

	unsigned := writeBundle(t)
	cases := []struct {
		name  string
		opts  Options
		wants []string
	}{
		{"tampered", Options{Policies: []string{tampered}, BundleKey: key}, []string{tampered, "digest"}},
		{"wrong key", Options{Policies: []string{signed}, BundleKey: &BundleKey{File: otherPub, Algorithm: bundlesign.Alg}}, []string{signed, "verif"}},
		{"unsigned", Options{Policies: []string{unsigned}, BundleKey: key}, []string{unsigned, ".signatures.json"}},
		{"loose rego", Options{Policies: []string{"testdata/rules"}, BundleKey: key}, []string{"testdata/rules", "signed .tar.gz bundle"}},
		{"missing key", Options{Policies: []string{signed}, BundleKey: &BundleKey{File: filepath.Join(t.TempDir(), "none.pem")}}, []string{"read verification key"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.opts.NoBuiltin = true
			_, err := Load(context.Background(), c.opts)
			if err == nil {
				t.Fatal("loaded; want a refusal")
			}
			for _, w := range c.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	// A signed bundle without a key is refused, as OPA refuses it: its
	// signature must not be ignored silently.
	if _, err := Load(context.Background(), Options{NoBuiltin: true, Policies: []string{signed}}); err == nil || !strings.Contains(err.Error(), "verification key not provided") {
		t.Errorf("signed bundle without a key: err = %v", err)
	}
}
