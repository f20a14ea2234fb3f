package snmp

import (
	"testing"

	"github.com/gosnmp/gosnmp"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/collectors/fingerprint"
	"github.com/mfpscan/mfpscan/facts"
)

// An HP LaserJet as its MIBs describe it (values rebuilt from the MIB object
// definitions glpi-agent's HPNetPeripheral.pm reads, not captured). The agent
// speaks v1 only, so a missing OID fails the whole request and the collector
// must fall back to one OID at a time.
func TestCollectStandardAndVendorIdentity(t *testing.T) {
	a := newAgent(t, []gosnmp.SnmpPDU{
		octets(OIDSysDescr, "HP ETHERNET MULTI-ENVIRONMENT"),
		{Name: OIDSysObjectID, Type: gosnmp.ObjectIdentifier, Value: ".1.3.6.1.4.1.11.2.3.9.1"},
		octets(OIDHrDeviceDescr, "HP Color LaserJet M452nw"),
		{Name: OIDHrDeviceType, Type: gosnmp.ObjectIdentifier, Value: ".1.3.6.1.2.1.25.3.1.5"},
		octets(OIDPrtSerial, "VNB3K12345"),
		octets("1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.2.0", "HP Color LaserJet M452nw"),
		octets("1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.3.0", "VNB3K12345"),
		octets("1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.6.0", "2409048_052604"),
	})
	a.communities = map[string]bool{"public": true}
	a.versions = map[gosnmp.SnmpVersion]bool{gosnmp.Version1: true}
	a.start()

	out, st := collect(t, a.port(), collectors.Options{})
	if st.Status != facts.StatusOK {
		t.Fatalf("status = %+v", st)
	}
	has := func(field, value, oid string) {
		t.Helper()
		for _, h := range out.Identity.Sources {
			if h.Field == field && h.Value == value && h.Source == "snmp:"+oid {
				return
			}
		}
		t.Errorf("no %s hint %q from %s in %+v", field, value, oid, out.Identity.Sources)
	}
	has("serial", "VNB3K12345", OIDPrtSerial)
	has("model", "HP Color LaserJet M452nw", "1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.2.0")
	has("firmware", "2409048_052604", "1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.6.0")
	has("printer", "true", OIDPrtSerial)
	has("printer", "true", OIDHrDeviceType)

	db, err := fingerprint.Default()
	if err != nil {
		t.Fatal(err)
	}
	fingerprint.Fuse(db, out)
	id := out.Identity
	if id.Vendor == nil || id.Vendor.Value != "HP" || id.Model == nil || id.Model.Value != "Color LaserJet M452nw" ||
		id.Serial == nil || id.Serial.Value != "VNB3K12345" || id.Firmware == nil || id.Firmware.Value != "2409048_052604" {
		t.Errorf("fused identity: vendor %+v model %+v serial %+v firmware %+v", id.Vendor, id.Model, id.Serial, id.Firmware)
	}
}

func TestVendorOIDsByEnterprise(t *testing.T) {
	for _, tc := range []struct {
		sysObjectID string
		want        int
	}{
		{"1.3.6.1.4.1.11.2.3.9.1", 3}, {".1.3.6.1.4.1.367.1.1", 2}, {"1.3.6.1.4.1.1347.41", 2},
		{"1.3.6.1.4.1.8072.3.2.10", 0}, {"1.3.6.1.2.1.1", 0}, {"", 0},
	} {
		if got := len(VendorOIDs(tc.sysObjectID)); got != tc.want {
			t.Errorf("VendorOIDs(%q) = %d objects, want %d", tc.sysObjectID, got, tc.want)
		}
	}
}

// Enterprise objects of vendors with no public walk: values rebuilt from the
// MIB object definitions (vendor_oids.yaml origins), not captured.
func TestVendorHintsRebuilt(t *testing.T) {
	for _, tc := range []struct {
		name   string
		values map[string]string
		want   map[string]string // field -> value
	}{
		{"Samsung", map[string]string{
			OIDSysObjectID:                   "1.3.6.1.4.1.236.11.5.1",
			"1.3.6.1.4.1.236.11.5.1.1.1.1.0": "Samsung M2020 Series",
			"1.3.6.1.4.1.236.11.5.1.1.1.2.0": "V3.00.01.20 FEB-05-2016",
			"1.3.6.1.4.1.236.11.5.1.1.1.4.0": "ZDF2B8KH3C00ABC",
		}, map[string]string{"model": "Samsung M2020 Series", "firmware": "V3.00.01.20 FEB-05-2016", "serial": "ZDF2B8KH3C00ABC"}},
		{"Lexmark", map[string]string{
			OIDSysObjectID:                "1.3.6.1.4.1.641.1.5.7",
			"1.3.6.1.4.1.641.6.2.3.1.4.1": "Lexmark MX711",
			"1.3.6.1.4.1.641.6.2.3.1.5.1": "7463AB12C3D4",
			"1.3.6.1.4.1.641.2.1.2.1.4.1": "MXTGM.052.024",
		}, map[string]string{"model": "Lexmark MX711", "serial": "7463AB12C3D4", "firmware": "MXTGM.052.024"}},
		// An HP agent's answer to another vendor's OID is not read as identity.
		{"other enterprise ignored", map[string]string{
			OIDSysObjectID:                   "1.3.6.1.4.1.11.2.3.9.1",
			"1.3.6.1.4.1.236.11.5.1.1.1.1.0": "not asked",
		}, map[string]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]string{}
			for _, h := range IdentityHints(tc.values) {
				if h.Field == "model" || h.Field == "serial" || h.Field == "firmware" {
					got[h.Field] = h.Value
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("hints %v, want %v", got, tc.want)
			}
			for f, v := range tc.want {
				if got[f] != v {
					t.Errorf("%s = %q, want %q", f, got[f], v)
				}
			}
		})
	}
}

func TestVendorTableEmbeddedAndChecked(t *testing.T) {
	tbl, err := ParseVendorTable(vendorOIDsYAML)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, v := range tbl.Vendors {
		names[v.Name] = true
	}
	for _, want := range []string{"HP", "Ricoh", "Kyocera", "Konica Minolta", "Toshiba TEC", "OKI", "Epson", "Brother", "Xerox", "Samsung", "Lexmark"} {
		if !names[want] {
			t.Errorf("no enterprise objects for %s", want)
		}
	}
	for _, bad := range []string{
		"vendors: [{enterprise: 253, name: X, objects: [{oid: 1.3.6.1.4.1.11.1.0, field: model, confidence: high, object: o, origin: a}]}]\norigins: {a: b}",
		"vendors: [{enterprise: 253, name: X, objects: [{oid: 1.3.6.1.4.1.253.1.0, field: colour, confidence: high, object: o, origin: a}]}]\norigins: {a: b}",
		"vendors: [{enterprise: 253, name: X, objects: [{oid: 1.3.6.1.4.1.253.1.0, field: model, confidence: sure, object: o, origin: a}]}]\norigins: {a: b}",
		"vendors: [{enterprise: 253, name: X, objects: [{oid: 1.3.6.1.4.1.253.1.0, field: model, confidence: high, decode: rot13, object: o, origin: a}]}]\norigins: {a: b}",
		"vendors: [{enterprise: 253, name: X, objects: [{oid: 1.3.6.1.4.1.253.1.0, field: model, confidence: high, object: o, origin: nowhere}]}]\norigins: {a: b}",
		"vendors: [{enterprise: 253, name: X, objects: []}]",
		"vendors: [{enterprise: 253, name: X, colour: red}]",
	} {
		if _, err := ParseVendorTable([]byte(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

// Device IDs as Xerox agents answer 253.8.51.1.2.1.20.1, quoted in
// librenms/librenms includes/polling/os/xerox.inc.php @ bf07fd9f.
func TestDeviceIDField(t *testing.T) {
	for _, tc := range []struct{ id, want string }{
		{"MFG:Xerox;CMD:Adobe PostScript 3,PCL;MDL:Phaser 4510N;CLS:Printer;DES:Xerox Phaser 4510 Laser Printer, PostScript 3, Letter/A4 Size", "Phaser 4510N"},
		{"MFG:Xerox; CMD:PCL, PJL, POSTSCRIPT; MDL:WorkCentre 7535; CLS:Printer; Des:Xerox WorkCentre 7535", "WorkCentre 7535"},
		{"mdl:ColorQube 8880DN;", "ColorQube 8880DN"},
		{"MFG:Xerox;CMD:PCL", ""},
		{"", ""},
	} {
		if got := DeviceIDField(tc.id, "MDL"); got != tc.want {
			t.Errorf("DeviceIDField(%q) = %q, want %q", tc.id, got, tc.want)
		}
	}
}

func FuzzParseVendorTable(f *testing.F) {
	f.Add(vendorOIDsYAML)
	f.Add([]byte("vendors: [{enterprise: 1}]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tbl, err := ParseVendorTable(b)
		if err == nil && tbl == nil {
			t.Fatal("nil table without error")
		}
	})
}

func FuzzDeviceIDField(f *testing.F) {
	f.Add("MFG:Xerox; MDL:AltaLink C8045; CLS:Printer")
	f.Fuzz(func(t *testing.T, s string) {
		if got := DeviceIDField(s, "MDL"); len(got) > len(s) {
			t.Fatalf("field %q longer than the input", got)
		}
	})
}
