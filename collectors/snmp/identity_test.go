package snmp

import (
	"bufio"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
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

	out := collectOK(t, a.port(), collectors.Options{})
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
		name, sysObjectID string
		values            []string // OID, value, OID, value...
		want              string   // field=value pairs read, in field order
	}{
		{"Samsung", "1.3.6.1.4.1.236.11.5.1", []string{
			"1.3.6.1.4.1.236.11.5.1.1.1.1.0", "Samsung M2020 Series", "1.3.6.1.4.1.236.11.5.1.1.1.2.0", "V3.00.01.20 FEB-05-2016",
			"1.3.6.1.4.1.236.11.5.1.1.1.4.0", "ZDF2B8KH3C00ABC"},
			"firmware=V3.00.01.20 FEB-05-2016 model=Samsung M2020 Series serial=ZDF2B8KH3C00ABC"},
		{"Lexmark", "1.3.6.1.4.1.641.1.5.7", []string{
			"1.3.6.1.4.1.641.6.2.3.1.4.1", "Lexmark MX711", "1.3.6.1.4.1.641.6.2.3.1.5.1", "7463AB12C3D4",
			"1.3.6.1.4.1.641.2.1.2.1.4.1", "MXTGM.052.024"},
			"firmware=MXTGM.052.024 model=Lexmark MX711 serial=7463AB12C3D4"},
		// The part list as Greenbone's FUJIFILM detection quotes it.
		{"FUJIFILM", "1.3.6.1.4.1.297.1.111.101.1.50.1.4.1", []string{
			"1.3.6.1.4.1.297.1.111.1.31.10.0", "System 23.1.23; ESS 1.3.1; IOT 10.36.0; Finisher A 4.26.0; ADF 32.19.0; Fax 2.2.1; Panel 1.1.4"},
			"firmware=23.1.23"},
		{"FUJIFILM, System not first", "1.3.6.1.4.1.297.1.111.101.1.50.1.4.1", []string{
			"1.3.6.1.4.1.297.1.111.1.31.10.0", "ESS 1.3.1, System 22.1.7, IOT 22.50.0"}, "firmware=22.1.7"},
		{"FUJIFILM, no System entry", "1.3.6.1.4.1.297.1.111.101.1.50.1.4.1", []string{
			"1.3.6.1.4.1.297.1.111.1.31.10.0", "ESS 1.3.1; IOT 10.36.0"}, ""},
		// An HP agent's answer to another vendor's OID is not read as identity.
		{"other enterprise ignored", "1.3.6.1.4.1.11.2.3.9.1", []string{"1.3.6.1.4.1.236.11.5.1.1.1.1.0", "not asked"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			values := map[string]string{OIDSysObjectID: tc.sysObjectID}
			for i := 0; i+1 < len(tc.values); i += 2 {
				values[tc.values[i]] = tc.values[i+1]
			}
			var got []string
			for _, h := range IdentityHints(values) {
				if h.Field == "model" || h.Field == "serial" || h.Field == "firmware" {
					got = append(got, h.Field+"="+h.Value)
				}
			}
			slices.Sort(got)
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("hints %q, want %q", g, tc.want)
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
	for _, want := range []string{"HP", "Ricoh", "Kyocera", "Konica Minolta", "Toshiba TEC", "OKI", "Epson", "Brother", "Xerox", "Samsung", "Lexmark", "Fuji Xerox"} {
		if !names[want] {
			t.Errorf("no enterprise objects for %s", want)
		}
	}
	table := func(object string) string {
		return "vendors: [{enterprise: 253, name: X, objects: [" + object + "]}]\norigins: {a: b}"
	}
	for _, bad := range []string{
		table("{oid: 1.3.6.1.4.1.11.1.0, field: model, confidence: high, object: o, origin: a}"),
		table("{oid: 1.3.6.1.4.1.253.1.0, field: colour, confidence: high, object: o, origin: a}"),
		table("{oid: 1.3.6.1.4.1.253.1.0, field: model, confidence: sure, object: o, origin: a}"),
		table("{oid: 1.3.6.1.4.1.253.1.0, field: model, confidence: high, decode: rot13, object: o, origin: a}"),
		table("{oid: 1.3.6.1.4.1.253.1.0, field: model, confidence: high, object: o, origin: nowhere}"),
		table(""),
		"vendors: [{enterprise: 253, name: X, colour: red}]",
	} {
		if _, err := ParseVendorTable([]byte(bad)); err == nil {
			t.Errorf("accepted %q", bad)
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

// loadSnmprec reads an snmpsim record file (OID|type|value) into the PDUs
// the test agent serves.
func loadSnmprec(t *testing.T, path string) []gosnmp.SnmpPDU {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []gosnmp.SnmpPDU
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		parts := strings.SplitN(sc.Text(), "|", 3)
		if len(parts) != 3 {
			t.Fatalf("%s:%d: not OID|type|value", path, n)
		}
		pdu, err := snmprecPDU(parts[0], parts[1], parts[2])
		if err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		out = append(out, pdu)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func snmprecPDU(oid, typ, value string) (gosnmp.SnmpPDU, error) {
	switch typ {
	case "4":
		return gosnmp.SnmpPDU{Name: oid, Type: gosnmp.OctetString, Value: []byte(value)}, nil
	case "4x":
		b, err := hex.DecodeString(value)
		return gosnmp.SnmpPDU{Name: oid, Type: gosnmp.OctetString, Value: b}, err
	case "6":
		return gosnmp.SnmpPDU{Name: oid, Type: gosnmp.ObjectIdentifier, Value: "." + value}, nil
	case "2":
		n, err := strconv.Atoi(value)
		return gosnmp.SnmpPDU{Name: oid, Type: gosnmp.Integer, Value: n}, err
	case "65", "66", "67":
		n, err := strconv.ParseUint(value, 10, 32)
		kind := map[string]gosnmp.Asn1BER{"65": gosnmp.Counter32, "66": gosnmp.Gauge32, "67": gosnmp.TimeTicks}[typ]
		return gosnmp.SnmpPDU{Name: oid, Type: kind, Value: uint32(n)}, err
	}
	return gosnmp.SnmpPDU{}, &strconv.NumError{Func: "snmprec type", Num: typ, Err: strconv.ErrSyntax}
}

// TestRealWalks scans published walks of real printers (testdata/snmp/walks,
// origins in ORIGIN.md) and checks the fused identity against what each
// device states in the walk itself.
func TestRealWalks(t *testing.T) {
	db, err := fingerprint.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file, vendor, model, serial, firmware string
		modelFrom                             string // the OID the model hint must come from
	}{
		// Model from the Xerox device ID (MDL), firmware from the "SS"
		// system software version in sysDescr; the walk has no serial.
		{"librenms-xerox-altalink-c8045.snmprec", "Xerox", "AltaLink C8045", "", "100.002.057.09608", "1.3.6.1.4.1.253.8.51.1.2.1.20.1"},
		// Sharp: standard MIBs only (sysDescr, hrDeviceDescr, Printer-MIB serial).
		{"librenms-sharp-mx-3570n.snmprec", "Sharp", "MX-3570N", "6509415X00", "", ""},
	} {
		t.Run(tc.file, func(t *testing.T) {
			a := newAgent(t, loadSnmprec(t, filepath.Join("../../testdata/snmp/walks", tc.file)))
			a.communities = map[string]bool{"public": true}
			a.versions = map[gosnmp.SnmpVersion]bool{gosnmp.Version1: true, gosnmp.Version2c: true}
			a.start()
			out := collectOK(t, a.port(), collectors.Options{})
			fingerprint.Fuse(db, out)
			id := out.Identity
			for _, f := range []struct {
				name, want string
				got        *facts.Attribute
			}{
				{"vendor", tc.vendor, id.Vendor}, {"model", tc.model, id.Model},
				{"serial", tc.serial, id.Serial}, {"firmware", tc.firmware, id.Firmware},
			} {
				got := ""
				if f.got != nil {
					got = f.got.Value
				}
				if got != f.want {
					t.Errorf("%s = %q (%+v), want %q", f.name, got, f.got, f.want)
				}
			}
			if tc.modelFrom != "" && !hasHint(out, "model", tc.model, "snmp:"+tc.modelFrom) {
				t.Errorf("no model hint %q from %s in %+v", tc.model, tc.modelFrom, id.Sources)
			}
			if id.IsPrinter == nil || !*id.IsPrinter {
				t.Errorf("not flagged as a printer: %+v", id.IsPrinter)
			}
		})
	}
}

func hasHint(d *facts.Device, field, value, source string) bool {
	for _, h := range d.Identity.Sources {
		if h.Field == field && h.Value == value && h.Source == source {
			return true
		}
	}
	return false
}
