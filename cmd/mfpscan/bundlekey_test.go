package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/internal/bundlesign"
)

// TestSignedBundleCLI evaluates saved facts with a signed bundle (exit 0),
// then with the same bundle tampered after signing: exit 2, nothing written.
func TestSignedBundleCLI(t *testing.T) {
	dir := t.TempDir()
	priv, pub, err := bundlesign.KeyPair()
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "pub.pem")
	if err := os.WriteFile(keyFile, pub, 0o644); err != nil {
		t.Fatal(err)
	}
	signed := filepath.Join(dir, "org.tar.gz")
	if err := bundlesign.Sign("../../policies/testdata/bundle", priv, "default", signed); err != nil {
		t.Fatal(err)
	}
	tampered := filepath.Join(dir, "tampered.tar.gz")
	if err := bundlesign.Tamper(signed, tampered, "rule.rego", "> data.bundled.limit", "> 1000000"); err != nil {
		t.Fatal(err)
	}
	facts := "../../testdata/reports/facts-127.77.0.10.json"
	ok := filepath.Join(dir, "ok")
	code, _, msg := runCLI(t, "eval", facts, "--out", ok, "--format", "json", "--quiet",
		"--policy", signed, "--verification-key", keyFile, "--signing-alg", bundlesign.Alg)
	if code != exitOK {
		t.Fatalf("signed bundle: exit %d: %s", code, msg)
	}
	if b, err := os.ReadFile(filepath.Join(ok, "findings.json")); err != nil || !strings.Contains(string(b), "TEST-BUNDLE-001") {
		t.Errorf("the signed bundle's rule was not evaluated: %v", err)
	}

	bad := filepath.Join(dir, "bad")
	code, _, msg = runCLI(t, "eval", facts, "--out", bad, "--format", "json", "--quiet",
		"--policy", tampered, "--verification-key", keyFile, "--signing-alg", bundlesign.Alg)
	if code != exitUsage || !strings.Contains(msg, tampered) {
		t.Fatalf("tampered bundle: exit %d, %q; want exit 2 naming the bundle", code, msg)
	}
	if _, err := os.Stat(bad); err == nil {
		t.Error("a report directory was written for a refused bundle")
	}
}
