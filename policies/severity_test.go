package policies

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/facts"
)

// withTLS gives the device one examined TLS 1.2 port accepting suites.
func withTLS(suites ...facts.Cipher) func(d *facts.Device) {
	return func(d *facts.Device) {
		d.Collectors["tls"] = facts.CollectorStatus{Status: facts.StatusOK}
		d.TLS = []facts.TLSService{{Port: 443, Status: facts.StatusOK,
			Versions: map[string]bool{"ssl3": false, "tls1_0": false, "tls1_1": false, "tls1_2": true, "tls1_3": false},
			Ciphers:  map[string][]facts.Cipher{"tls1_2": suites}}}
	}
}

// TestSeverityFromFindings: MFP-TLS-003's result takes the severity of its
// weakest suite, unless the organisation fixed the rule's severity.
func TestSeverityFromFindings(t *testing.T) {
	ctx := context.Background()
	load := func(data ...string) *Engine {
		e, err := Load(ctx, Options{DataFiles: data, Now: func() time.Time { return fixedNow }})
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		return e
	}
	anon := facts.Cipher{Name: "TLS_DH_anon_WITH_AES_128_GCM_SHA256", ID: 0xA6, Weak: []string{"anon", "no_pfs"}}
	tdes := facts.Cipher{Name: "TLS_RSA_WITH_3DES_EDE_CBC_SHA", ID: 0x0A, Weak: []string{"3des", "cbc_sha1", "no_pfs"}}
	e := load()
	tests := []struct {
		name   string
		suites []facts.Cipher
		want   string
	}{
		{"3des only", []facts.Cipher{tdes}, "medium"},
		{"3des and anonymous", []facts.Cipher{tdes, anon}, "critical"},
	}
	for _, tt := range tests {
		rs, err := e.Evaluate(ctx, device("192.0.2.1", withTLS(tt.suites...)))
		if err != nil {
			t.Fatal(err)
		}
		r := resultFor(t, rs, "MFP-TLS-003")
		if r.Status != StatusFail || r.Severity != tt.want || len(r.Findings) != len(tt.suites) {
			t.Errorf("%s: %s/%s with %d findings, want fail/%s", tt.name, r.Status, r.Severity, len(r.Findings), tt.want)
		}
	}
	override := filepath.Join(t.TempDir(), "data.yaml")
	if err := os.WriteFile(override, []byte("mfpscan:\n  config:\n    rules:\n      MFP-TLS-003: {severity: low}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rs, err := load(override).Evaluate(ctx, device("192.0.2.1", withTLS(anon)))
	if err != nil {
		t.Fatal(err)
	}
	if r := resultFor(t, rs, "MFP-TLS-003"); r.Status != StatusFail || r.Severity != "low" {
		t.Errorf("override: %s/%s, want fail/low", r.Status, r.Severity)
	}
}
