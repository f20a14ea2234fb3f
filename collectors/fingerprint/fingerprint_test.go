package fingerprint

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfile"
)

type testCase struct {
	Source  string `yaml:"source"`
	Value   string `yaml:"value"`
	Vendor  string `yaml:"vendor"`
	Family  string `yaml:"family"`
	Model   string `yaml:"model"`
	Printer *bool  `yaml:"printer"`
	MFP     *bool  `yaml:"mfp"`
	// Firmware is checked only where a case names one.
	Firmware string `yaml:"firmware"`
}

func loadCases(t testing.TB) []testCase {
	t.Helper()
	b := testfile.Testdata(t, "fingerprints", "cases.yaml")
	var cases []testCase
	if err := yaml.Unmarshal(b, &cases); err != nil {
		t.Fatalf("parse cases: %v", err)
	}
	return cases
}

// docWith builds a document whose only evidence is value at source.
func docWith(source, value string) *facts.Device {
	d := &facts.Device{Address: "192.0.2.10", Collectors: map[string]facts.CollectorStatus{}}
	switch source {
	case SourceSysDescr:
		d.SNMP = &facts.SNMP{SysDescr: value}
	case SourceSysObjectID:
		d.SNMP = &facts.SNMP{SysObjectID: value}
	case SourceHTTPServer:
		d.HTTP = []facts.HTTPService{{Port: 80, Server: value}}
	case SourceHTTPTitle:
		d.HTTP = []facts.HTTPService{{Port: 80, Title: value}}
	case SourceCertSubject:
		d.TLS = []facts.TLSService{{Port: 443, Certificate: &facts.Certificate{Subject: value}}}
	case SourceFTPBanner:
		d.Banners = []facts.Banner{{Port: 21, Service: "ftp", Text: value}}
	case SourceSMTPBanner:
		d.Banners = []facts.Banner{{Port: 25, Service: "smtp", Text: value}}
	case SourcePJLID:
		d.Banners = []facts.Banner{{Port: 9100, Service: "pjl", Text: value}}
	case SourceIPPMakeModel:
		d.IPP = []facts.IPPService{{Port: 631, MakeAndModel: value}}
	}
	return d
}

func val(a *facts.Attribute) string {
	if a == nil {
		return ""
	}
	return a.Value
}

func TestFuseCapturedStrings(t *testing.T) {
	db, err := Default()
	if err != nil {
		t.Fatalf("embedded fingerprints: %v", err)
	}
	for _, tc := range loadCases(t) {
		t.Run(tc.Source+"/"+tc.Value, func(t *testing.T) {
			doc := docWith(tc.Source, tc.Value)
			Fuse(db, doc)
			id := doc.Identity
			got := testCase{Source: tc.Source, Value: tc.Value, Vendor: val(id.Vendor), Family: val(id.Family), Model: val(id.Model), Printer: id.IsPrinter, MFP: id.IsMFP}
			if tc.Firmware != "" {
				got.Firmware = val(id.Firmware)
			}
			if diff := cmp.Diff(tc, got); diff != "" {
				t.Errorf("fused identity (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFuseConflictsAndDeviceID(t *testing.T) {
	db, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	doc := &facts.Device{
		Address: "10.1.2.3",
		SNMP:    &facts.SNMP{SysDescr: "Canon iR-ADV C5535 III /P", SysObjectID: "1.3.6.1.4.1.1602.4.7"},
		HTTP:    []facts.HTTPService{{Port: 80, Server: "Catwalk", Title: "Remote UI: Login: iR-ADV C5500: x"}},
		Identity: facts.Identity{Sources: []facts.IdentityHint{
			{Field: "model", Value: "iR-ADV C5535 III", Source: "snmp:1.3.6.1.4.1.1602.1.1.1.1.0", Confidence: facts.ConfidenceHigh},
			{Field: "firmware", Value: "47.07", Source: "snmp:1.3.6.1.4.1.1602.1.1.1.4.0", Confidence: facts.ConfidenceHigh},
			{Field: "mac", Value: "88:87:17:AA:BB:CC", Source: "snmp:1.3.6.1.2.1.2.2.1.6.2", Confidence: facts.ConfidenceHigh},
		}},
	}
	Fuse(db, doc)
	id := doc.Identity
	// The title names another model at medium confidence; SNMP wins.
	want := map[string]*facts.Attribute{
		"vendor":   {Value: "Canon", Source: "snmp:1.3.6.1.2.1.1.1.0", Confidence: facts.ConfidenceHigh},
		"family":   {Value: "imageRUNNER ADVANCE", Source: "snmp:1.3.6.1.2.1.1.1.0", Confidence: facts.ConfidenceHigh},
		"model":    {Value: "iR-ADV C5535 III", Source: "snmp:1.3.6.1.4.1.1602.1.1.1.1.0", Confidence: facts.ConfidenceHigh},
		"firmware": {Value: "47.07", Source: "snmp:1.3.6.1.4.1.1602.1.1.1.4.0", Confidence: facts.ConfidenceHigh},
		"mac":      {Value: "88:87:17:aa:bb:cc", Source: "snmp:1.3.6.1.2.1.2.2.1.6.2", Confidence: facts.ConfidenceHigh},
	}
	got := map[string]*facts.Attribute{"vendor": id.Vendor, "family": id.Family, "model": id.Model, "firmware": id.Firmware, "mac": id.MAC}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("identity (-want +got):\n%s", diff)
	}
	if id.DeviceID != "mac:88:87:17:aa:bb:cc" {
		t.Errorf("device id = %q, want the MAC (no serial)", id.DeviceID)
	}
	if doc.Firmware == nil || doc.Firmware.Version != "47.07" || doc.Firmware.AdvisoryStatus != "unknown" {
		t.Errorf("firmware = %+v", doc.Firmware)
	}

	doc.Identity.Sources = append(doc.Identity.Sources, facts.IdentityHint{Field: "serial", Value: "2TQ01234", Source: "snmp:1.3.6.1.4.1.1602.1.2.1.8.1.3.1.1", Confidence: facts.ConfidenceHigh})
	Fuse(db, doc)
	if doc.Identity.DeviceID != "serial:2TQ01234" {
		t.Errorf("device id = %q, want serial", doc.Identity.DeviceID)
	}

	empty := &facts.Device{Address: "10.9.9.9"}
	Fuse(db, empty)
	if empty.Identity.DeviceID != "address:10.9.9.9" || empty.Identity.IsPrinter != nil || empty.Firmware != nil {
		t.Errorf("no evidence: %+v firmware %+v; want address ID, unknown printer, no firmware", empty.Identity, empty.Firmware)
	}
}

func TestNonPrinterNeedsNoPrinterEvidence(t *testing.T) {
	db, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	// nginx in front of a Canon Remote UI: printer evidence wins.
	doc := &facts.Device{HTTP: []facts.HTTPService{{Port: 80, Server: "nginx"}, {Port: 8000, Server: "Catwalk"}}}
	Fuse(db, doc)
	if doc.Identity.IsPrinter == nil || !*doc.Identity.IsPrinter {
		t.Errorf("is_printer = %v, want true", doc.Identity.IsPrinter)
	}
}

func TestAnalyserStatus(t *testing.T) {
	a := New()
	doc := docWith(SourceSysDescr, "Canon MF8170 /P")
	if st := a.Analyse(context.Background(), nil, nil, doc); st.Status != facts.StatusOK {
		t.Errorf("status = %+v", st)
	}
	if _, err := Load([]byte("version: x\nfingerprints:\n- {id: a, source: nope, pattern: x, confidence: high}\n")); err == nil {
		t.Error("unknown source accepted")
	}
	if _, err := Load([]byte("version: x\nfingerprints:\n- {id: a, source: model, pattern: '(', confidence: high}\n")); err == nil {
		t.Error("bad regexp accepted")
	}
}

func FuzzMatch(f *testing.F) {
	db, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	for _, tc := range loadCases(f) {
		f.Add(tc.Source, tc.Value)
	}
	f.Fuzz(func(t *testing.T, source, value string) {
		for _, m := range db.Match(source, value) {
			if m.ID == "" || len(m.Model) > 2*maxInput {
				t.Fatalf("bad match %+v", m)
			}
		}
		doc := docWith(source, value)
		Fuse(db, doc)
		if doc.Identity.DeviceID == "" {
			t.Fatal("empty device id")
		}
	})
}

func TestEngineIDNamesVendorWhenCommunitiesAreRefused(t *testing.T) {
	db, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		enterprise int
		want       string
	}{{1602, "Canon"}, {4976, "Canon"}, {8072, ""}} {
		doc := &facts.Device{SNMP: &facts.SNMP{EngineEnterprise: tc.enterprise}}
		Fuse(db, doc)
		if got := val(doc.Identity.Vendor); got != tc.want {
			t.Errorf("engine enterprise %d: vendor %q, want %q", tc.enterprise, got, tc.want)
		}
		if doc.Identity.IsPrinter != nil {
			t.Errorf("engine enterprise %d: is_printer %v; an engine ID alone does not tell", tc.enterprise, *doc.Identity.IsPrinter)
		}
	}
}

func TestProjectorOfAPrinterMakerIsNotAPrinter(t *testing.T) {
	db, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	doc := &facts.Device{SNMP: &facts.SNMP{SysDescr: "EPSON Projector EB-2250U", SysObjectID: "1.3.6.1.4.1.1248.4.1.1"}}
	Fuse(db, doc)
	if doc.Identity.IsPrinter == nil || *doc.Identity.IsPrinter || val(doc.Identity.Vendor) != "Epson" {
		t.Errorf("projector: is_printer %v vendor %q, want false Epson", doc.Identity.IsPrinter, val(doc.Identity.Vendor))
	}
	// The same enterprise with a printer's sysDescr stays a printer.
	doc = &facts.Device{SNMP: &facts.SNMP{SysDescr: "EPSON AL-C2900; Net 96.51,ESS 201103101328,IOT 04.00.00", SysObjectID: "1.3.6.1.4.1.1248.1.1.2.1.3.21.38"}}
	Fuse(db, doc)
	if doc.Identity.IsPrinter == nil || !*doc.Identity.IsPrinter || val(doc.Identity.Model) != "AL-C2900" {
		t.Errorf("printer: is_printer %v model %q", doc.Identity.IsPrinter, val(doc.Identity.Model))
	}
}
