package policies

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfile"
)

func TestLoadWaivers(t *testing.T) {
	ws, err := LoadWaivers("testdata/waivers/valid.yaml", fixedNow)
	if err != nil {
		t.Fatalf("LoadWaivers: %v", err)
	}
	want := []Waiver{
		{Rule: "TEST-STATUS-001", Selector: Selector{Address: "192.0.2.10"},
			Reason: "legacy monitoring needs SNMPv1 until the NMS upgrade", Expires: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)},
		{Rule: "TEST-STATUS-001", Selector: Selector{CIDR: "198.51.100.0/24", Model: "iR-ADV C5535"},
			Reason: "lab network", Expires: time.Date(2027, 6, 30, 12, 0, 0, 0, time.UTC)},
		{Rule: "TEST-PARAM-001", Selector: Selector{Serial: "ABC123"},
			Reason: "replaced last year", Expires: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), Expired: true},
	}
	if diff := cmp.Diff(want, ws); diff != "" {
		t.Errorf("waivers (-want +got):\n%s", diff)
	}
}

func TestLoadWaiversErrors(t *testing.T) {
	load := func(file string) error {
		_, err := LoadWaivers(file, fixedNow)
		return err
	}
	checkFileErrors(t, load, []fileError{
		{"testdata/waivers/unknown_key.yaml", []string{"unknown_key.yaml", "line 5", "expire"}},
		{"testdata/waivers/missing_reason.yaml", []string{"missing_reason.yaml:6: waiver 2", "reason is required"}},
		{"testdata/waivers/bad_date.yaml", []string{"bad_date.yaml:2: waiver 1", `"next tuesday"`}},
		{"testdata/waivers/empty_selector.yaml", []string{"selector needs at least one"}},
		{"testdata/waivers/absent.yaml", []string{"absent.yaml"}},
	})
}

func TestWaiversApply(t *testing.T) {
	ws, err := LoadWaivers("testdata/waivers/valid.yaml", fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	e := loadFixture(t, Options{Waivers: ws})
	failing := func(addr, model string) *facts.Device {
		return device(addr, func(d *facts.Device) {
			withSNMP(facts.Bool(true), nil)(d)
			openPort(23)(d)
			d.Identity.Model.Value = model
		})
	}
	tests := []struct {
		name   string
		dev    *facts.Device
		rule   string
		status Status
		waiver int // index into ws, -1 for none
	}{
		{"address match", failing("192.0.2.10", "x"), "TEST-STATUS-001", StatusWaived, 0},
		{"address mismatch", failing("192.0.2.11", "x"), "TEST-STATUS-001", StatusFail, -1},
		{"cidr and model match", failing("198.51.100.7", "ir-adv c5535"), "TEST-STATUS-001", StatusWaived, 1},
		{"cidr matches, model does not", failing("198.51.100.7", "iR-ADV C3530"), "TEST-STATUS-001", StatusFail, -1},
		{"expired serial waiver not applied", failing("192.0.2.10", "x"), "TEST-PARAM-001", StatusFail, -1},
		{"waiver does not touch a pass", device("192.0.2.10", withSNMP(facts.Bool(false), nil)), "TEST-STATUS-001", StatusPass, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := e.Evaluate(context.Background(), tt.dev)
			if err != nil {
				t.Fatal(err)
			}
			r := resultFor(t, rs, tt.rule)
			if r.Status != tt.status {
				t.Errorf("status %s, want %s", r.Status, tt.status)
			}
			var want *Waiver
			if tt.waiver >= 0 {
				w := ws[tt.waiver]
				want = &w
			}
			if diff := cmp.Diff(want, r.Waiver); diff != "" {
				t.Errorf("waiver (-want +got):\n%s", diff)
			}
			if r.Status == StatusWaived && len(r.Findings) == 0 {
				t.Error("waived result lost its findings")
			}
		})
	}
	exp := e.ExpiredWaivers()
	if len(exp) != 1 || exp[0].Rule != "TEST-PARAM-001" || !exp[0].Expired {
		t.Errorf("ExpiredWaivers = %+v", exp)
	}
	if got := len(e.Waivers()); got != 2 {
		t.Errorf("%d active waivers, want 2", got)
	}
}

func TestWaiverExpiryUsesEngineClock(t *testing.T) {
	w := Waiver{Rule: "TEST-STATUS-001", Selector: Selector{Address: "192.0.2.10"}, Reason: "r",
		Expires: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	before := loadFixture(t, Options{Waivers: []Waiver{w}, Now: func() time.Time { return w.Expires.Add(-time.Second) }})
	after := loadFixture(t, Options{Waivers: []Waiver{w}, Now: func() time.Time { return w.Expires }})
	if len(before.ExpiredWaivers()) != 0 || len(before.Waivers()) != 1 {
		t.Error("waiver expired a second early")
	}
	if len(after.ExpiredWaivers()) != 1 || len(after.Waivers()) != 0 {
		t.Error("waiver still applies at its expiry time")
	}
}

func TestWaiverValidationAtLoad(t *testing.T) {
	tests := []struct {
		name string
		w    Waiver
		want string
	}{
		{"unknown rule", Waiver{Rule: "NOPE-1", Selector: Selector{Address: "192.0.2.1"}, Reason: "r", Expires: fixedNow.Add(time.Hour)}, "unknown rule NOPE-1"},
		{"no reason", Waiver{Rule: "TEST-STATUS-001", Selector: Selector{Address: "192.0.2.1"}, Expires: fixedNow.Add(time.Hour)}, "reason is required"},
		{"bad cidr", Waiver{Rule: "TEST-STATUS-001", Selector: Selector{CIDR: "10.0.0.0/33"}, Reason: "r", Expires: fixedNow.Add(time.Hour)}, "selector cidr"},
		{"no expiry", Waiver{Rule: "TEST-STATUS-001", Selector: Selector{Address: "192.0.2.1"}, Reason: "r"}, "expires is required"},
	}
	for _, tt := range tests {
		_, err := Load(context.Background(), Options{NoBuiltin: true, Policies: []string{"testdata/rules"}, Waivers: []Waiver{tt.w}})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestSelectorMatches(t *testing.T) {
	tests := []struct {
		sel                 Selector
		addr, serial, model string
		want                bool
	}{
		{Selector{Address: "2001:db8::1"}, "2001:db8:0::1", "", "", true},
		{Selector{Address: "192.0.2.1"}, "::ffff:192.0.2.1", "", "", true},
		{Selector{CIDR: "2001:db8::/32"}, "2001:db8::5", "", "", true},
		{Selector{CIDR: "192.0.2.0/24"}, "not-an-ip", "", "", false},
		{Selector{Serial: "abc123"}, "192.0.2.1", "ABC123", "", true},
		{Selector{Serial: "abc123"}, "192.0.2.1", "", "", false},
		{Selector{Model: "iR-ADV C5535"}, "192.0.2.1", "", "iR-ADV C5535", true},
		{Selector{}, "192.0.2.1", "ABC123", "m", false},
	}
	for _, tt := range tests {
		if got := tt.sel.Matches(tt.addr, tt.serial, tt.model); got != tt.want {
			t.Errorf("%+v.Matches(%q, %q, %q) = %v, want %v", tt.sel, tt.addr, tt.serial, tt.model, got, tt.want)
		}
	}
}

func FuzzParseWaivers(f *testing.F) {
	for _, p := range []string{"valid.yaml", "unknown_key.yaml", "missing_reason.yaml", "bad_date.yaml", "empty_selector.yaml"} {
		f.Add(testfile.Read(f, "testdata/waivers/"+p))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		ws, err := ParseWaivers("fuzz.yaml", raw, fixedNow)
		if err != nil {
			return
		}
		for _, w := range ws {
			if w.Rule == "" || w.Reason == "" || w.Expires.IsZero() {
				t.Fatalf("accepted an incomplete waiver: %+v", w)
			}
		}
	})
}
