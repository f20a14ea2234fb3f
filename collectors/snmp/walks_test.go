package snmp

import (
	"bufio"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gosnmp/gosnmp"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/collectors/fingerprint"
	"github.com/mfpscan/mfpscan/facts"
)

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
			out, st := collect(t, a.port(), collectors.Options{})
			if st.Status != facts.StatusOK {
				t.Fatalf("status = %+v", st)
			}
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
