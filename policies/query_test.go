package policies

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mfpscan/mfpscan/facts"
)

// writePolicy writes one custom rule package into dir.
func writePolicy(t *testing.T, dir, name, id, body string) {
	t.Helper()
	writePolicyMeta(t, dir, name, id, "", body)
}

// writePolicyMeta is writePolicy with extra `custom:` METADATA lines
// (each "#   key: value\n").
func writePolicyMeta(t *testing.T, dir, name, id, custom, body string) {
	t.Helper()
	src := "# METADATA\n# title: " + id + "\n# description: query shape fixture\n# scope: package\n# custom:\n#   id: " + id +
		"\n#   severity: low\n#   guide_point: 1\n#   remediation: none\n" + custom + "package org." + name + "\n\n" + body
	if err := os.WriteFile(filepath.Join(dir, name+".rego"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestQuerySetKinds covers both ways the catalogue query reads a set:
// directly for sets made only of `contains` rules, through a comprehension
// for sets that are complete rules and may be undefined on a device.
func TestQuerySetKinds(t *testing.T) {
	dir := t.TempDir()
	// not_applicable is a complete rule, undefined unless the device is
	// not a printer; deny is a partial set.
	writePolicy(t, dir, "complete_na", "TEST-KIND-001", `not_applicable := {"not a printer"} if input.identity.is_printer == false

deny contains "telnet open" if {
	some p in input.ports
	p.port == 23
}
`)
	// deny is a complete rule (undefined without telnet), review a partial set.
	writePolicy(t, dir, "complete_deny", "TEST-KIND-002", `deny := {{"msg": "telnet open", "fact": "/ports/0"}} if {
	some p in input.ports
	p.port == 23
}

review contains "snmp unknown" if not input.snmp
`)
	e := loadFixture(t, Options{Policies: []string{dir}})
	for _, ent := range e.enabled {
		switch ent.rule.ID {
		case "TEST-KIND-001":
			if ent.q.Partial["not_applicable"] || !ent.q.Partial["deny"] {
				t.Errorf("%s: partial = %v, want only deny", ent.rule.ID, ent.q.Partial)
			}
		case "TEST-KIND-002":
			if ent.q.Partial["deny"] || !ent.q.Partial["review"] {
				t.Errorf("%s: partial = %v, want only review", ent.rule.ID, ent.q.Partial)
			}
		}
	}

	tests := []struct {
		name       string
		dev        *facts.Device
		want1      Status
		want2      Status
		wantReason string // of TEST-KIND-002
	}{
		{"printer with telnet", device("192.0.2.1", openPort(23)), StatusFail, StatusFail, ""},
		{"printer without telnet or snmp", device("192.0.2.2", func(d *facts.Device) { d.SNMP = nil }), StatusPass, StatusReview, "snmp unknown"},
		{"not a printer", device("192.0.2.3", func(d *facts.Device) { d.Identity.IsPrinter = facts.Bool(false) }), StatusNotApplicable, StatusReview, "snmp unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := e.Evaluate(context.Background(), tt.dev)
			if err != nil {
				t.Fatal(err)
			}
			if got := statusOf(rs, "TEST-KIND-001"); got != tt.want1 {
				t.Errorf("TEST-KIND-001 = %s, want %s", got, tt.want1)
			}
			r2 := resultFor(t, rs, "TEST-KIND-002")
			if r2.Status != tt.want2 {
				t.Errorf("TEST-KIND-002 = %s, want %s", r2.Status, tt.want2)
			}
			if tt.wantReason != "" && (len(r2.Reasons) != 1 || r2.Reasons[0] != tt.wantReason) {
				t.Errorf("TEST-KIND-002 reasons = %q, want [%q]", r2.Reasons, tt.wantReason)
			}
			if tt.want2 == StatusFail && (len(r2.Findings) != 1 || r2.Findings[0].Fact != "/ports/0") {
				t.Errorf("TEST-KIND-002 findings = %+v", r2.Findings)
			}
		})
	}
}

// TestQueryStatusOrder checks that sets after a non-empty one are not
// evaluated: a review set that would conflict on the device does not turn
// a failing rule into an error, and a not-applicable rule's deny is skipped.
func TestQueryStatusOrder(t *testing.T) {
	dir := t.TempDir()
	writePolicy(t, dir, "order", "TEST-ORDER-001", `not_applicable contains "not a printer" if input.identity.is_printer == false

deny contains "telnet open" if {
	some p in input.ports
	p.port == 23
}

# Conflicts (two values for one complete rule) whenever it is evaluated.
label := "a" if input.address
label := "b" if input.address

review contains label
`)
	var ruleErrs []RuleError
	e := loadFixture(t, Options{Policies: []string{dir}, OnRuleError: func(re RuleError) { ruleErrs = append(ruleErrs, re) }})
	ctx := context.Background()
	for _, tt := range []struct {
		dev  *facts.Device
		want Status
	}{
		{device("192.0.2.1", openPort(23)), StatusFail},
		{device("192.0.2.2", func(d *facts.Device) { d.Identity.IsPrinter = facts.Bool(false) }), StatusNotApplicable},
	} {
		rs, err := e.Evaluate(ctx, tt.dev)
		if err != nil {
			t.Fatal(err)
		}
		if got := statusOf(rs, "TEST-ORDER-001"); got != tt.want {
			t.Errorf("%s: TEST-ORDER-001 = %s, want %s", tt.dev.Address, got, tt.want)
		}
	}
	if len(ruleErrs) != 0 {
		t.Errorf("rule errors from sets that decide nothing: %v", ruleErrs)
	}
	// Where review decides the status, the conflict is still reported.
	rs, err := e.Evaluate(ctx, device("192.0.2.3", nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := statusOf(rs, "TEST-ORDER-001"); got != StatusReview || len(ruleErrs) != 1 {
		t.Errorf("conflicting review: status %s, %d rule errors; want review and 1", got, len(ruleErrs))
	}
}
