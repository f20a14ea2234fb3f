package snmp

import (
	_ "embed"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/devid"
	"github.com/mfpscan/mfpscan/internal/strictyaml"
)

// Standard-MIB identity objects read from every agent, after the Canon ones.
const (
	OIDPrtPrinterName    = "1.3.6.1.2.1.43.5.1.1.16.1"   // Printer-MIB prtGeneralPrinterName
	OIDHrDeviceType      = "1.3.6.1.2.1.25.3.2.1.2.1"    // HOST-RESOURCES-MIB hrDeviceType
	OIDEntModelName      = "1.3.6.1.2.1.47.1.1.1.1.13.1" // ENTITY-MIB entPhysicalModelName
	OIDEntSerial         = "1.3.6.1.2.1.47.1.1.1.1.11.1" // entPhysicalSerialNum
	OIDEntFirmwareRev    = "1.3.6.1.2.1.47.1.1.1.1.9.1"  // entPhysicalFirmwareRev
	OIDEntSoftwareRev    = "1.3.6.1.2.1.47.1.1.1.1.10.1" // entPhysicalSoftwareRev
	hrDevicePrinterValue = "1.3.6.1.2.1.25.3.1.5"        // hrDeviceType value hrDevicePrinter
)

// VendorOID is one enterprise object that names a model, firmware or serial.
type VendorOID struct {
	OID        string           `yaml:"oid"`
	Field      string           `yaml:"field"`
	Confidence facts.Confidence `yaml:"confidence"`
	// Decode says how the value is read: "" or "plain" as it is,
	// "ieee1284" an IEEE 1284 device ID whose MDL key is the model,
	// "system" the System entry of a list of part versions.
	Decode string `yaml:"decode"`
	// Object is the MIB object name, Origin the key of where it is
	// documented (origins in vendor_oids.yaml).
	Object string `yaml:"object"`
	Origin string `yaml:"origin"`
}

// VendorTable is the enterprise identity data: vendor_oids.yaml.
type VendorTable struct {
	Origins map[string]string `yaml:"origins"`
	Vendors []struct {
		Enterprise int         `yaml:"enterprise"`
		Name       string      `yaml:"name"`
		Objects    []VendorOID `yaml:"objects"`
	} `yaml:"vendors"`
}

//go:embed vendor_oids.yaml
var vendorOIDsYAML []byte

// vendorOIDs, keyed by the IANA enterprise number in sysObjectID. Only the
// maker's own subtree is asked, so an agent of another vendor costs nothing.
// The embedded table is checked by a test; it cannot fail at run time.
var vendorOIDs = func() map[string][]VendorOID {
	t, err := ParseVendorTable(vendorOIDsYAML)
	if err != nil {
		panic(err)
	}
	out := map[string][]VendorOID{}
	for _, v := range t.Vendors {
		out[strconv.Itoa(v.Enterprise)] = v.Objects
	}
	return out
}()

// ParseVendorTable reads and checks a vendor identity table: every object
// has a numeric OID under its enterprise, a known field, confidence and
// decoding, and an origin that is listed.
func ParseVendorTable(b []byte) (*VendorTable, error) {
	var t VendorTable
	if err := strictyaml.Decode(b, &t); err != nil {
		return nil, fmt.Errorf("parse vendor oid table: %w", err)
	}
	seen := map[int]bool{}
	for _, v := range t.Vendors {
		if v.Enterprise <= 0 || seen[v.Enterprise] || len(v.Objects) == 0 {
			return nil, fmt.Errorf("parse vendor oid table: enterprise %d (%s) missing, repeated or without objects", v.Enterprise, v.Name)
		}
		seen[v.Enterprise] = true
		prefix := "1.3.6.1.4.1." + strconv.Itoa(v.Enterprise) + "."
		for _, o := range v.Objects {
			if err := checkVendorOID(o, prefix, t.Origins); err != nil {
				return nil, fmt.Errorf("parse vendor oid table: %s: %w", v.Name, err)
			}
		}
	}
	return &t, nil
}

func checkVendorOID(o VendorOID, prefix string, origins map[string]string) error {
	switch {
	case !strings.HasPrefix(o.OID, prefix) || !reNumericOID.MatchString(o.OID):
		return fmt.Errorf("oid %q is not numeric under %s", o.OID, strings.TrimSuffix(prefix, "."))
	case o.Field != "model" && o.Field != "serial" && o.Field != "firmware":
		return fmt.Errorf("oid %s: field %q is not model, serial or firmware", o.OID, o.Field)
	case o.Confidence != facts.ConfidenceHigh && o.Confidence != facts.ConfidenceMedium && o.Confidence != facts.ConfidenceLow:
		return fmt.Errorf("oid %s: confidence %q", o.OID, o.Confidence)
	case o.Decode != "" && o.Decode != "plain" && o.Decode != "ieee1284" && o.Decode != "system":
		return fmt.Errorf("oid %s: decode %q", o.OID, o.Decode)
	case origins[o.Origin] == "" || o.Object == "":
		return fmt.Errorf("oid %s: object name or origin %q missing", o.OID, o.Origin)
	}
	return nil
}

var reNumericOID = regexp.MustCompile(`^[0-9]+(\.[0-9]+)+$`)

// SystemVersion returns the version of the "System" entry of a part list
// ("System 23.1.23; ESS 1.3.1; IOT 10.36.0"), "" when there is none.
func SystemVersion(s string) string {
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' }) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "System "); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// Enterprise returns the IANA enterprise number of a sysObjectID under
// 1.3.6.1.4.1, or "".
func Enterprise(sysObjectID string) string {
	rest, ok := strings.CutPrefix(strings.TrimPrefix(sysObjectID, "."), "1.3.6.1.4.1.")
	if !ok {
		return ""
	}
	ent, _, _ := strings.Cut(rest, ".")
	return ent
}

// VendorOIDs lists the enterprise identity objects for a sysObjectID.
func VendorOIDs(sysObjectID string) []VendorOID { return vendorOIDs[Enterprise(sysObjectID)] }

// IdentityHints turns the values read from an agent into identity hints.
// sysDescr and hrDeviceDescr are matched by the fingerprint analyser; here
// only objects whose meaning the MIB fixes become hints.
func IdentityHints(values map[string]string) []facts.IdentityHint {
	var out []facts.IdentityHint
	add := func(field, value, oid string, conf facts.Confidence) {
		if value = strings.TrimSpace(value); value != "" {
			out = append(out, facts.IdentityHint{Field: field, Value: value, Source: "snmp:" + oid, Confidence: conf})
		}
	}
	for _, o := range []struct {
		field, oid string
		conf       facts.Confidence
	}{
		{"model", OIDCanonModel, facts.ConfidenceHigh},
		{"firmware", OIDCanonFirmware, facts.ConfidenceHigh},
		{"serial", OIDCanonSerial, facts.ConfidenceHigh},
		{"serial", OIDPrtSerial, facts.ConfidenceHigh},
		{"model", OIDPPMName, facts.ConfidenceMedium},
		{"model", OIDEntModelName, facts.ConfidenceMedium},
		{"serial", OIDEntSerial, facts.ConfidenceMedium},
		{"firmware", OIDEntFirmwareRev, facts.ConfidenceLow},
	} {
		add(o.field, values[o.oid], o.oid, o.conf)
	}
	for _, v := range VendorOIDs(values[OIDSysObjectID]) {
		value := values[v.OID]
		switch v.Decode {
		case "ieee1284":
			value = devid.Field(value, "MDL")
		case "system":
			value = SystemVersion(value)
		}
		add(v.Field, value, v.OID, v.Confidence)
	}
	// The Printer MIB and PWG PPM MIB are only implemented by printers;
	// hrDeviceType says so outright.
	switch {
	case values[OIDPrtSerial] != "":
		add("printer", "true", OIDPrtSerial, facts.ConfidenceMedium)
	case values[OIDPPMName] != "":
		add("printer", "true", OIDPPMName, facts.ConfidenceMedium)
	case values[OIDPrtPrinterName] != "":
		add("printer", "true", OIDPrtPrinterName, facts.ConfidenceMedium)
	}
	if strings.TrimPrefix(values[OIDHrDeviceType], ".") == hrDevicePrinterValue {
		add("printer", "true", OIDHrDeviceType, facts.ConfidenceMedium)
	}
	return out
}
