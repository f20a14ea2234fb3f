package policies

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mfpscan/mfpscan/facts"
)

// fixedNow is the clock of every test: waivers expire relative to it.
var fixedNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func loadFixture(t *testing.T, opts Options) *Engine {
	t.Helper()
	opts.NoBuiltin = true
	if opts.Now == nil {
		opts.Now = func() time.Time { return fixedNow }
	}
	if opts.Policies == nil {
		opts.Policies = []string{"testdata/rules"}
	}
	e, err := Load(context.Background(), opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return e
}

// device builds a facts document; addresses come from the documentation
// ranges and are never contacted.
func device(addr string, mod func(d *facts.Device)) *facts.Device {
	d := &facts.Device{
		SchemaVersion: facts.SchemaVersion,
		Address:       addr,
		Family:        "ipv4",
		IPClass:       "documentation",
		Identity: facts.Identity{
			IsPrinter: facts.Bool(true),
			Vendor:    &facts.Attribute{Value: "Canon", Source: "snmp", Confidence: facts.ConfidenceHigh},
			Model:     &facts.Attribute{Value: "iR-ADV C5535", Source: "snmp", Confidence: facts.ConfidenceHigh},
			Serial:    &facts.Attribute{Value: "ABC123", Source: "snmp", Confidence: facts.ConfidenceHigh},
			DeviceID:  "serial:ABC123",
		},
		Collectors: map[string]facts.CollectorStatus{"snmp": {Status: facts.StatusOK}},
	}
	if mod != nil {
		mod(d)
	}
	return d
}

func withSNMP(v1, v2c *bool) func(d *facts.Device) {
	return func(d *facts.Device) {
		d.SNMP = &facts.SNMP{Status: facts.StatusOK, Port: 161, V1: v1, V2c: v2c}
	}
}

func resultFor(t *testing.T, rs []Result, id string) Result {
	t.Helper()
	for _, r := range rs {
		if r.RuleID == id {
			return r
		}
	}
	t.Fatalf("no result for %s in %+v", id, rs)
	return Result{}
}

func TestStatusMapping(t *testing.T) {
	e := loadFixture(t, Options{})
	tests := []struct {
		name string
		dev  *facts.Device
		want Result
	}{
		{
			name: "deny as string",
			dev:  device("192.0.2.1", withSNMP(facts.Bool(true), facts.Bool(false))),
			want: Result{Status: StatusFail, Findings: []Finding{{Message: "SNMPv1 answers"}}},
		},
		{
			name: "deny as object",
			dev:  device("192.0.2.1", withSNMP(facts.Bool(false), facts.Bool(true))),
			want: Result{Status: StatusFail, Findings: []Finding{{
				Message: "SNMPv2c answers", Fact: "/snmp/v2c", Evidence: map[string]any{"v2c": true},
			}}},
		},
		{
			name: "pass",
			dev:  device("192.0.2.1", withSNMP(facts.Bool(false), facts.Bool(false))),
			want: Result{Status: StatusPass},
		},
		{
			name: "review when the fact is missing",
			dev:  device("192.0.2.1", nil),
			want: Result{Status: StatusReview, Reasons: []string{"SNMP was not collected"}},
		},
		{
			name: "not_applicable wins over deny",
			dev: device("192.0.2.1", func(d *facts.Device) {
				withSNMP(facts.Bool(true), nil)(d)
				d.Identity.IsPrinter = facts.Bool(false)
			}),
			want: Result{Status: StatusNotApplicable, Reasons: []string{"device is not a printer"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := e.Evaluate(context.Background(), tt.dev)
			if err != nil {
				t.Fatalf("Evaluate: %v", err)
			}
			want := tt.want
			want.RuleID, want.Address, want.DeviceID, want.Severity = "TEST-STATUS-001", "192.0.2.1", "serial:ABC123", "high"
			if diff := cmp.Diff(want, resultFor(t, rs, "TEST-STATUS-001")); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEvaluateJSONMatchesEvaluate(t *testing.T) {
	e := loadFixture(t, Options{})
	dev := device("192.0.2.1", withSNMP(facts.Bool(true), facts.Bool(true)))
	want, err := e.Evaluate(context.Background(), dev)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.EvaluateJSON(context.Background(), mustJSON(t, dev))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EvaluateJSON differs (-Evaluate +EvaluateJSON):\n%s", diff)
	}
	if _, err := e.EvaluateJSON(context.Background(), []byte(`{"address": `)); err == nil {
		t.Error("EvaluateJSON accepted truncated JSON")
	}
}

func openPort(port int) func(d *facts.Device) {
	return func(d *facts.Device) {
		d.Ports = append(d.Ports, facts.Port{Port: port, Protocol: "tcp", State: "open"})
	}
}

func TestDataOverrides(t *testing.T) {
	ctx := context.Background()
	telnet := device("192.0.2.1", openPort(23))
	raw := device("192.0.2.1", openPort(9100))

	def := loadFixture(t, Options{})
	over := loadFixture(t, Options{DataFiles: []string{"testdata/data/override.yaml"}})

	tests := []struct {
		name string
		e    *Engine
		dev  *facts.Device
		want Status
	}{
		{"default forbids 23", def, telnet, StatusFail},
		{"default allows 9100", def, raw, StatusPass},
		{"override allows 23", over, telnet, StatusPass},
		{"override forbids 9100", over, raw, StatusFail},
	}
	for _, tt := range tests {
		rs, err := tt.e.Evaluate(ctx, tt.dev)
		if err != nil {
			t.Fatal(err)
		}
		if got := resultFor(t, rs, "TEST-PARAM-001").Status; got != tt.want {
			t.Errorf("%s: status %s, want %s", tt.name, got, tt.want)
		}
	}
	rs, _ := over.Evaluate(ctx, raw)
	want := []Finding{{Message: "port 9100 is open", Fact: "/ports/0", Evidence: map[string]any{"port": jsonNum("9100")}}}
	if diff := cmp.Diff(want, resultFor(t, rs, "TEST-PARAM-001").Findings); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestSeverityOverride(t *testing.T) {
	e := loadFixture(t, Options{DataFiles: []string{"testdata/data/override.yaml"}})
	r, ok := e.Rule("TEST-STATUS-001")
	if !ok || r.Severity != "low" {
		t.Errorf("catalogue severity = %q (found %v), want low", r.Severity, ok)
	}
	rs, err := e.Evaluate(context.Background(), device("192.0.2.1", withSNMP(facts.Bool(true), nil)))
	if err != nil {
		t.Fatal(err)
	}
	if got := resultFor(t, rs, "TEST-STATUS-001").Severity; got != "low" {
		t.Errorf("result severity = %q, want low", got)
	}
	if got := resultFor(t, rs, "TEST-PARAM-001").Severity; got != "medium" {
		t.Errorf("untouched rule severity = %q, want medium", got)
	}
}

func TestDisabledRule(t *testing.T) {
	e := loadFixture(t, Options{DataFiles: []string{"testdata/data/override.yaml", "testdata/data/disable.json"}})
	rs, err := e.Evaluate(context.Background(), device("192.0.2.1", openPort(9100)))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.RuleID == "TEST-PARAM-001" {
			t.Errorf("disabled rule evaluated: %+v", r)
		}
	}
	if len(rs) != 1 {
		t.Errorf("got %d results, want 1 (the enabled rule)", len(rs))
	}
	r, ok := e.Rule("TEST-PARAM-001")
	if !ok || r.Enabled {
		t.Errorf("catalogue entry = %+v (found %v), want present and disabled", r, ok)
	}
	// Later files merge over earlier ones: the override file's parameter
	// and severity survive the second file.
	if r, _ := e.Rule("TEST-STATUS-001"); r.Severity != "low" || !r.Enabled {
		t.Errorf("TEST-STATUS-001 = %+v, want enabled with severity low", r)
	}
}

// fileError is a file an input loader must refuse and the substrings its
// error must hold (the file's name, the line, what is wrong).
type fileError struct {
	file string
	want []string
}

func checkFileErrors(t *testing.T, load func(file string) error, tests []fileError) {
	t.Helper()
	for _, tt := range tests {
		err := load(tt.file)
		if err == nil {
			t.Errorf("%s: loaded without error", tt.file)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tt.file, err, w)
			}
		}
	}
}

func TestDataFileErrors(t *testing.T) {
	load := func(file string) error {
		_, err := Load(context.Background(), Options{NoBuiltin: true, Policies: []string{"testdata/rules"}, DataFiles: []string{file}})
		return err
	}
	checkFileErrors(t, load, []fileError{
		{"testdata/data/bad_syntax.yaml", []string{"testdata/data/bad_syntax.yaml", "yaml: line "}},
		{"testdata/data/bad_syntax.json", []string{"testdata/data/bad_syntax.json:3"}},
		{"testdata/data/not_mapping.yaml", []string{"not_mapping.yaml", "top level must be a mapping"}},
		{"testdata/data/bad_severity.yaml", []string{"TEST-STATUS-001", "urgent"}},
		{"testdata/data/unknown_rule.yaml", []string{"not in the catalogue: TEST-STATUS-01"}},
		{"testdata/data/unknown_setting.yaml", []string{`TEST-STATUS-001: unknown setting "enable"`}},
		{"testdata/data/missing.yaml", []string{"missing.yaml", "no such file"}},
	})
}

func TestMergeReplacesLists(t *testing.T) {
	dst := map[string]any{"a": map[string]any{"list": []any{"x", "y"}, "keep": true}}
	mergeInto(dst, map[string]any{"a": map[string]any{"list": []any{"z"}}})
	want := map[string]any{"a": map[string]any{"list": []any{"z"}, "keep": true}}
	if diff := cmp.Diff(want, dst); diff != "" {
		t.Errorf("merge (-want +got):\n%s", diff)
	}
}
