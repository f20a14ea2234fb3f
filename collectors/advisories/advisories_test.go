package advisories

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mfpscan/mfpscan/facts"
)

func ids(advs []facts.Advisory) []string {
	var out []string
	for _, a := range advs {
		out = append(out, a.ID)
	}
	return out
}

func TestEvaluate(t *testing.T) {
	d, err := Default()
	if err != nil {
		t.Fatalf("embedded advisories: %v", err)
	}
	tests := []struct {
		name, model, version string
		wantStatus           string
		wantIDs              []string
	}{
		{"MF754Cdw 03.07", "MF754Cdw", "03.07", StatusVulnerable, []string{"CP2024-001", "CP2024-002"}},
		{"MF754Cdw 03.08 only CP2024-002", "Canon i-SENSYS MF754Cdw", "03.08", StatusVulnerable, []string{"CP2024-002"}},
		{"MF754Cdw 03.10", "MF754Cdw", "03.10", StatusNotAffected, nil},
		{"MF750C series SNMP name", "MF750C Series", "03.10", StatusNotAffected, nil},
		{"iR-ADV C5535 III 47.07", "iR-ADV C5535 III", "47.07", StatusVulnerable, []string{"CP2025-004"}},
		{"iR-ADV C5535 III 47.09", "iR-ADV C5535 III", "47.09", StatusNotAffected, nil},
		{"iR-ADV long name", "imageRUNNER ADVANCE C5535i III", "47.08", StatusVulnerable, []string{"CP2025-004"}},
		{"Gen3 77.05", "iR-ADV C5550i", "77.05", StatusVulnerable, []string{"CP2025-004"}},
		{"Gen3 on another major line", "iR-ADV C5550i", "57.01", StatusUnknown, nil},
		{"DX C5870i 27.09", "iR-ADV DX C5870i", "27.09", StatusNotAffected, nil},
		{"DX C5870i 27.08", "iR-ADV DX C5870i", "27.08", StatusVulnerable, []string{"CP2025-004"}},
		{"LBP6670 R7.21 no rule", "LBP6670", "R7.21", StatusUnknown, nil},
		{"unknown model", "Frobnitz 3000", "01.01", StatusUnknown, nil},
		{"no model", "", "03.07", StatusUnknown, nil},
		{"no version", "MF754Cdw", "", StatusUnknown, nil},
		{"unparsable version", "MF754Cdw", "GFC-015-04", StatusUnknown, nil},
		{"MF745C 11.04", "MF745C/746C", "11.04", StatusVulnerable, []string{"CP2023-001", "CP2024-002"}},
		{"MF745C 12.08", "MF745C/746C", "12.08", StatusNotAffected, nil},
		{"MF644Cdw has 2022 items without a fixed version", "MF644Cdw", "12.08", StatusUnknown, nil},
		{"MF656Cdw 05.04", "MF656Cdw", "05.04", StatusVulnerable, []string{"CP2025-001", "CVE-2025-2146", "CP2026-001"}},
		{"MF656Cdw 06.02", "MF656Cdw", "06.02", StatusVulnerable, []string{"CP2026-001"}},
		{"MF656Cdw in the CP2026-001 gap", "MF656Cdw", "06.05", StatusUnknown, nil},
		{"MF656Cdw 07.01", "MF656Cdw", "07.01", StatusNotAffected, nil},
		{"MF842Cdw 8.15", "MF842Cdw", "08.15", StatusVulnerable, []string{"CP2025-004"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, advs := d.Evaluate(tt.model, tt.version)
			if status != tt.wantStatus {
				t.Errorf("status = %s, want %s", status, tt.wantStatus)
			}
			if diff := cmp.Diff(tt.wantIDs, ids(advs)); diff != "" {
				t.Errorf("advisories (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEvaluateDetails(t *testing.T) {
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	_, advs := d.Evaluate("MF754Cdw", "03.07")
	want := facts.Advisory{
		ID: "CP2024-001", Title: "Buffer overflows in small-office MFPs and laser printers (CPCA, WSD, SLP, Address Book)",
		CVEs:     []string{"CVE-2023-6229", "CVE-2023-6230", "CVE-2023-6231", "CVE-2023-6232", "CVE-2023-6233", "CVE-2023-6234", "CVE-2024-0244"},
		Severity: "critical", VulnerableUpTo: "03.07", URL: "https://psirt.canon/advisory-information/cp2024-001/",
		MatchedFamilies: []string{"LBP670C / MF750C / X LBP1333C / X MF1333C / C1333"},
	}
	if diff := cmp.Diff(want, advs[0]); diff != "" {
		t.Errorf("advisory (-want +got):\n%s", diff)
	}
}

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in      string
		want    Version
		wantErr bool
	}{
		{"03.07", Version{3, 7}, false},
		{"8.16", Version{8, 16}, false},
		{"R7.21", Version{7, 21}, false},
		{"Ver.47.07", Version{47, 7}, false},
		{" 27.09 ", Version{27, 9}, false},
		{"0604", Version{}, true},
		{"GFC-015-04", Version{}, true},
		{"1.2.3", Version{}, true},
		{"", Version{}, true},
		{"03.07.99999999999999999999999999999", Version{}, true},
	}
	for _, tt := range tests {
		got, err := ParseVersion(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseVersion(%q) = %v, %v; want %v, err=%v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	if (Version{3, 10}).Compare(Version{3, 7}) != 1 || (Version{3, 7}).Compare(Version{3, 7}) != 0 || (Version{2, 99}).Compare(Version{3, 0}) != -1 {
		t.Error("Compare ordering wrong")
	}
}

func TestAnalyser(t *testing.T) {
	doc := &facts.Device{
		Identity: facts.Identity{
			Vendor:   &facts.Attribute{Value: "Canon"},
			Model:    &facts.Attribute{Value: "MF754Cdw"},
			Firmware: &facts.Attribute{Value: "03.07", Source: "snmp:1.3.6.1.4.1.1602.1.1.1.4.0"},
		},
	}
	if st := New().Analyse(context.Background(), nil, nil, doc); st.Status != facts.StatusOK {
		t.Fatalf("status = %+v", st)
	}
	fw := doc.Firmware
	if fw == nil || fw.AdvisoryStatus != StatusVulnerable || fw.Version != "03.07" || fw.Source == "" || fw.AdvisoryData == "" {
		t.Fatalf("firmware = %+v", fw)
	}

	hp := &facts.Device{Identity: facts.Identity{Vendor: &facts.Attribute{Value: "HP"}, Model: &facts.Attribute{Value: "MF754Cdw"}}, Firmware: &facts.Firmware{Version: "03.07"}}
	New().Analyse(context.Background(), nil, nil, hp)
	if hp.Firmware.AdvisoryStatus != StatusUnknown || len(hp.Firmware.Advisories) != 0 {
		t.Errorf("non-Canon device: %+v", hp.Firmware)
	}
}

func TestLoadRejects(t *testing.T) {
	bad := map[string]string{
		"no version":   "advisories: []",
		"bad scheme":   "version: x\nadvisories:\n- {id: A, groups: [{name: g, scheme: weird, models: [x]}]}",
		"bad regexp":   "version: x\nadvisories:\n- {id: A, groups: [{name: g, scheme: mf, models: ['(']}]}",
		"bad version":  "version: x\nadvisories:\n- {id: A, groups: [{name: g, scheme: mf, models: [x], fixed_in: 'abc'}]}",
		"gap reversed": "version: x\nadvisories:\n- {id: A, groups: [{name: g, scheme: mf, models: [x], vulnerable_up_to: '07.01', fixed_in: '06.00'}]}",
		"no groups":    "version: x\nadvisories:\n- {id: A}",
	}
	for name, y := range bad {
		if _, err := Load([]byte(y)); err == nil {
			t.Errorf("%s: Load accepted %q", name, y)
		}
	}
}

func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"03.07", "8.16", "R7.21", "0604", "GFC-015-04", "47.09", "1.050"} {
		f.Add(s)
	}
	d, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err == nil {
			if v.Major < 0 || v.Minor < 0 || v.Major > 999 || v.Minor > 999 {
				t.Fatalf("ParseVersion(%q) = %v", s, v)
			}
			if back, err := ParseVersion(v.String()); err != nil || back != v {
				t.Fatalf("round trip %q -> %v -> %v %v", s, v, back, err)
			}
		}
		status, _ := d.Evaluate("MF754Cdw", s)
		if err != nil && status != StatusUnknown {
			t.Fatalf("unparsable %q gave %s, want unknown", s, status)
		}
	})
}

func TestAnalyseCoverage(t *testing.T) {
	a := New()
	for _, tc := range []struct {
		vendor, model, version, coverage, status string
	}{
		{"Canon", "iR-ADV C5535 III", "47.07", CoverageCovered, StatusVulnerable},
		{"Canon", "LBP7110Cw", "05.01", CoverageNotCovered, StatusUnknown},
		{"Ricoh", "IM C3000", "1.03", CoverageVendorMissing, StatusUnknown},
		{"Canon", "", "05.01", CoverageModelUnknown, StatusUnknown},
	} {
		doc := &facts.Device{Identity: facts.Identity{Vendor: &facts.Attribute{Value: tc.vendor}, Firmware: &facts.Attribute{Value: tc.version}}}
		if tc.model != "" {
			doc.Identity.Model = &facts.Attribute{Value: tc.model}
		}
		if st := a.Analyse(context.Background(), nil, nil, doc); st.Status != facts.StatusOK {
			t.Fatalf("%+v: status %+v", tc, st)
		}
		if doc.Firmware.AdvisoryCoverage != tc.coverage || doc.Firmware.AdvisoryStatus != tc.status {
			t.Errorf("%s %q: coverage %q status %q, want %q %q", tc.vendor, tc.model, doc.Firmware.AdvisoryCoverage, doc.Firmware.AdvisoryStatus, tc.coverage, tc.status)
		}
	}
}
