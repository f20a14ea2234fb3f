package attest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mfpscan/mfpscan/facts"
)

func write(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func device(addr, serial string) *facts.Device {
	d := &facts.Device{Address: addr}
	if serial != "" {
		d.Identity.Serial = &facts.Attribute{Value: serial, Source: "snmp", Confidence: facts.ConfidenceHigh}
	}
	return d
}

func TestApplyPrecedence(t *testing.T) {
	p := write(t, "att.yaml", `attestations:
  - match: 10.20.0.0/16
    access_controlled_room: false
    audit_log_forwarded: true
  - match: 10.20.30.0/24
    access_controlled_room: true
  - match: 10.20.30.40
    firmware_verification: true
    wireless_security: WPA3
  - match: XKQ01234
    audit_log_forwarded: false
`)
	set, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		dev  *facts.Device
		want *facts.Attestations
	}{
		{"serial beats address beats cidr", device("10.20.30.40", "XKQ01234"), &facts.Attestations{
			Source: "att.yaml", AccessControlledRoom: facts.Bool(true), AuditLogForwarded: facts.Bool(false),
			FirmwareVerification: facts.Bool(true), WirelessSecurity: "wpa3",
		}},
		{"longest cidr wins", device("10.20.30.7", ""), &facts.Attestations{
			Source: "att.yaml", AccessControlledRoom: facts.Bool(true), AuditLogForwarded: facts.Bool(true),
		}},
		{"wide cidr only", device("10.20.99.1", ""), &facts.Attestations{
			Source: "att.yaml", AccessControlledRoom: facts.Bool(false), AuditLogForwarded: facts.Bool(true),
		}},
		{"not attested stays nil", device("192.0.2.1", ""), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set.Apply(tt.dev)
			if diff := cmp.Diff(tt.want, tt.dev.Attestations); diff != "" {
				t.Errorf("attestations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadCSV(t *testing.T) {
	p := write(t, "att.csv", "match,access_controlled_room,security_policy_applied,two_factor_auth,notes\n# comment\n10.1.0.0/24,true,false,true,2nd floor\n")
	set, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	d := device("10.1.0.9", "")
	set.Apply(d)
	want := &facts.Attestations{Source: "att.csv", AccessControlledRoom: facts.Bool(true), SecurityPolicyApplied: facts.Bool(false), TwoFactorAuth: facts.Bool(true), Notes: "2nd floor"}
	if diff := cmp.Diff(want, d.Attestations); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, file, body, want string
	}{
		{"unknown key", "a.yaml", "attestations:\n  - match: 10.0.0.1\n    locked_room: true\n", `a.yaml:2: unknown key "locked_room"`},
		{"no match", "a.yaml", "attestations:\n  - audit_log_forwarded: true\n", "a.yaml:2: attestation without `match`"},
		{"bad cidr", "a.yaml", "attestations:\n  - match: 10.0.0.0/40\n", `a.yaml:2: match "10.0.0.0/40"`},
		{"bad wifi", "a.yaml", "attestations:\n  - match: 10.0.0.1\n    wireless_security: open\n", `wireless_security "open"`},
		{"bad yaml", "a.yaml", "attestations: [\n", "parse attestations"},
		{"unknown top key", "a.yaml", "devices: []\n", "parse attestations"},
		{"bad csv bool", "a.csv", "match,audit_log_forwarded\n10.0.0.1,maybe\n", `a.csv:2: column audit_log_forwarded: "maybe"`},
		{"bad csv column", "a.csv", "match,colour\n10.0.0.1,red\n", `a.csv:2: unknown column "colour"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(write(t, tt.file, tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load() error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Fatal("missing file accepted")
	}
}
