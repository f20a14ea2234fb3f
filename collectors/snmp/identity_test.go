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
