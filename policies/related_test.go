package policies

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfile"
)

// tlsPort gives the device one examined TLS port with these versions on
// (every other version refused) and cert as its certificate.
func tlsPort(on []string, cert *facts.Certificate) func(d *facts.Device) {
	return func(d *facts.Device) {
		v := map[string]bool{"ssl3": false, "tls1_0": false, "tls1_1": false, "tls1_2": false, "tls1_3": false}
		for _, k := range on {
			v[k] = true
		}
		d.TLS = append(d.TLS, facts.TLSService{Port: 443, Status: facts.StatusOK, Versions: v, Certificate: cert})
		d.Collectors["tls"] = facts.CollectorStatus{Status: facts.StatusOK}
	}
}

// Issue 12 item 10: one root cause, one failing result; the rules that
// share it point at that result and never pass.
func TestRelatedRootCauseFailsOnce(t *testing.T) {
	e := loadBuiltin(t)
	goodCert := &facts.Certificate{Subject: "CN=printer.example", Issuer: "CN=Example CA", KeyType: "RSA", KeyBits: 2048,
		SignatureAlgorithm: "SHA256-RSA", SHA256: "00", FermatWeak: facts.Bool(false), NotAfter: fixedNow.Add(365 * 24 * time.Hour)}
	factory := *goodCert
	factory.Subject, factory.Issuer, factory.SelfSigned, factory.DefaultCanonSubject = "CN=Canon iR-ADV C5535", "CN=Canon iR-ADV C5535", true, true
	telnet := func(d *facts.Device) {
		openPort(23)(d)
		d.Collectors["discovery"] = facts.CollectorStatus{Status: facts.StatusOK}
	}
	tests := []struct {
		name    string
		dev     *facts.Device
		root    string
		related []string
		sev     string // the root result's severity
	}{
		{"SSL 3.0 on", device("192.0.2.1", tlsPort([]string{"ssl3", "tls1_2"}, goodCert)), "MFP-TLS-001", []string{"MFP-TLS-002", "MFP-TLS-004"}, "critical"},
		{"Telnet open", device("192.0.2.2", telnet), "MFP-SVC-002", []string{"MFP-SVC-010"}, "high"},
		{"factory certificate", device("192.0.2.3", tlsPort([]string{"tls1_2"}, &factory)), "MFP-CERT-001", []string{"MFP-CERT-006"}, "medium"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := mustEval(t, e, tt.dev)
			root := resultFor(t, rs, tt.root)
			if root.Status != StatusFail || root.Severity != tt.sev {
				t.Fatalf("%s = %s/%s, want fail/%s (%+v)", tt.root, root.Status, root.Severity, tt.sev, root)
			}
			for _, id := range tt.related {
				r := resultFor(t, rs, id)
				if r.Status != StatusRelated {
					t.Errorf("%s = %s, want related (%+v)", id, r.Status, r)
					continue
				}
				if len(r.Related) == 0 || r.Related[0].RuleID != tt.root {
					t.Errorf("%s points at %+v, want %s", id, r.Related, tt.root)
				}
				for _, f := range r.Findings {
					if f.Related == nil || f.Related.RuleID != tt.root || !rootHasFingerprint(root, f.Related.Fingerprint) {
						t.Errorf("%s finding %q points at %+v, not at a finding of %s", id, f.Fact, f.Related, tt.root)
					}
				}
			}
			consequences := map[string]bool{}
			for _, f := range root.Findings {
				for _, c := range f.Consequences {
					consequences[c.RuleID] = true
				}
			}
			for _, id := range tt.related {
				if !consequences[id] {
					t.Errorf("root %s does not list %s among its consequences: %+v", tt.root, id, root.Findings)
				}
			}
		})
	}
}

func rootHasFingerprint(root Result, fp string) bool {
	keys := FindingKeys(root.Findings)
	for i := range root.Findings {
		if Fingerprint(root.RuleID, root.Device(), keys[i]) == fp {
			return true
		}
	}
	return false
}

// A weak suite of a version that should be off goes with that version; a
// weak suite of an allowed version keeps its rule failing.
func TestRelatedPartialKeepsFail(t *testing.T) {
	e := loadBuiltin(t)
	weak := facts.Cipher{Name: "TLS_RSA_WITH_3DES_EDE_CBC_SHA", ID: 10, Weak: []string{"3des"}}
	dev := device("192.0.2.4", func(d *facts.Device) {
		tlsPort([]string{"tls1_0", "tls1_2"}, nil)(d)
		d.TLS[0].Ciphers = map[string][]facts.Cipher{"tls1_0": {weak}, "tls1_2": {weak}}
	})
	r := resultFor(t, mustEval(t, e, dev), "MFP-TLS-003")
	if r.Status != StatusFail {
		t.Fatalf("MFP-TLS-003 = %s, want fail: the TLS 1.2 suite is its own cause", r.Status)
	}
	related := map[string]string{}
	for _, f := range r.Findings {
		if f.Related != nil {
			related[f.Fact] = f.Related.RuleID
		}
	}
	if len(related) != 1 || related["/tls/0/ciphers/tls1_0/0"] != "MFP-TLS-001" {
		t.Errorf("related findings = %v, want only the TLS 1.0 suite, pointing at MFP-TLS-001", related)
	}
	if len(r.Related) != 1 {
		t.Errorf("result.Related = %+v, want the one root", r.Related)
	}
}

// A waived or disabled root carries nothing: the other rules fail on their
// own, since a waiver of one rule must not silence another.
func TestRelatedNeedsAFailingRoot(t *testing.T) {
	ssl3 := device("192.0.2.5", tlsPort([]string{"ssl3", "tls1_2"}, nil))
	waived := Waiver{Rule: "MFP-TLS-001", Selector: Selector{Address: "192.0.2.5"}, Reason: "legacy clients", Expires: fixedNow.Add(time.Hour)}
	e, err := Load(context.Background(), Options{Now: func() time.Time { return fixedNow }, Waivers: []Waiver{waived}})
	if err != nil {
		t.Fatal(err)
	}
	rs := mustEval(t, e, ssl3)
	if got := statusOf(rs, "MFP-TLS-001"); got != StatusWaived {
		t.Fatalf("MFP-TLS-001 = %s, want waived", got)
	}
	for _, id := range []string{"MFP-TLS-002", "MFP-TLS-004"} {
		if r := resultFor(t, rs, id); r.Status != StatusFail || len(r.Related) > 0 {
			t.Errorf("root waived: %s = %s related %+v, want fail on its own", id, r.Status, r.Related)
		}
	}
	dir := t.TempDir()
	off := filepath.Join(dir, "off.yaml")
	if err := os.WriteFile(off, []byte("mfpscan:\n  config:\n    rules:\n      MFP-TLS-001: {enabled: false}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err = Load(context.Background(), Options{Now: func() time.Time { return fixedNow }, DataFiles: []string{off}})
	if err != nil {
		t.Fatal(err)
	}
	if got := statusOf(mustEval(t, e, ssl3), "MFP-TLS-002"); got != StatusFail {
		t.Errorf("root disabled: MFP-TLS-002 = %s, want fail", got)
	}
}

// Custom rules use the same contract: related_to in METADATA, an optional
// root_cause in the deny element, chains resolved to the first root.
func TestRelatedCustomRules(t *testing.T) {
	dir := t.TempDir()
	writePolicy(t, dir, "root", "ORG-ROOT-001", `deny contains {"msg": "telnet", "fact": "/ports/0", "root_cause": "telnet"} if input.ports[0].port == 23
`)
	writeRelatedPolicy(t, dir, "mid", "ORG-MID-001", "[ORG-ROOT-001]", `deny contains {"msg": "mid", "fact": "/ports/0/state", "root_cause": "telnet"} if input.ports[0].port == 23
`)
	writeRelatedPolicy(t, dir, "leaf", "ORG-LEAF-001", "[ORG-MID-001]", `deny contains {"msg": "leaf", "fact": "/ports/0/port", "root_cause": "telnet"} if input.ports[0].port == 23

deny contains {"msg": "own cause", "fact": "/address"} if input.ports[0].port == 23
`)
	e := loadFixture(t, Options{Policies: []string{dir}})
	rs := mustEval(t, e, device("192.0.2.6", openPort(23)))
	if got := statusOf(rs, "ORG-MID-001"); got != StatusRelated {
		t.Errorf("ORG-MID-001 = %s, want related", got)
	}
	leaf := resultFor(t, rs, "ORG-LEAF-001")
	if leaf.Status != StatusFail || len(leaf.Related) != 1 || leaf.Related[0].RuleID != "ORG-ROOT-001" {
		t.Errorf("ORG-LEAF-001 = %s related %+v, want fail (one own cause) pointing at the chain's root ORG-ROOT-001", leaf.Status, leaf.Related)
	}
}

func writeRelatedPolicy(t *testing.T, dir, name, id, relatedTo, body string) {
	t.Helper()
	writePolicyMeta(t, dir, strings.ToLower(name), id, "#   related_to: "+relatedTo+"\n", body)
}

func TestRelatedLoadErrors(t *testing.T) {
	tests := []struct {
		name, want string
		write      func(dir string)
	}{
		{"unknown rule", "related_to names ORG-NONE-001", func(dir string) {
			writeRelatedPolicy(t, dir, "a", "ORG-A-001", "[ORG-NONE-001]", "deny contains \"a\" if false\n")
		}},
		{"cycle", "related_to forms a cycle", func(dir string) {
			writeRelatedPolicy(t, dir, "a", "ORG-A-001", "[ORG-B-001]", "deny contains \"a\" if false\n")
			writeRelatedPolicy(t, dir, "b", "ORG-B-001", "[ORG-A-001]", "deny contains \"b\" if false\n")
		}},
		{"self", "related_to forms a cycle", func(dir string) {
			writeRelatedPolicy(t, dir, "a", "ORG-A-001", "[ORG-A-001]", "deny contains \"a\" if false\n")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.write(dir)
			_, err := Load(context.Background(), Options{NoBuiltin: true, Policies: []string{dir}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load error = %v, want %q", err, tt.want)
			}
		})
	}
}

// The post-pass only turns fail into related: on every testdata and
// generated document, every other status is what the rules alone decide,
// and a related result is exactly one the rules alone failed.
func TestRelatedOnlyRelabelsFailures(t *testing.T) {
	e := loadBuiltin(t)
	plain := loadBuiltin(t)
	plain.rel = nil
	docs := append(testfile.Devices(t, inputFixture), fleet(16)...)
	relatedSeen := 0
	for _, dev := range docs {
		got, want := mustEval(t, e, dev), mustEval(t, plain, dev)
		for i := range got {
			g, w := got[i], want[i]
			switch {
			case g.Status == StatusRelated:
				relatedSeen++
				if w.Status != StatusFail {
					t.Errorf("%s %s: related, but the rule alone gives %s", dev.Address, g.RuleID, w.Status)
				}
			case g.Status != w.Status:
				t.Errorf("%s %s: %s, but the rule alone gives %s", dev.Address, g.RuleID, g.Status, w.Status)
			}
			if SeverityRank(g.Severity) < SeverityRank(w.Severity) {
				t.Errorf("%s %s: severity %s below the rule's own %s", dev.Address, g.RuleID, g.Severity, w.Severity)
			}
		}
	}
	if relatedSeen == 0 {
		t.Error("no document gave a related result: the property checked nothing")
	}
}
