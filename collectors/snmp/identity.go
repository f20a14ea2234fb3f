package snmp

import (
	"strings"

	"github.com/mfpscan/mfpscan/facts"
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
	OID, Field string
	Confidence facts.Confidence
	// Origin is where the OID is documented.
	Origin string
}

// vendorOIDs, keyed by the IANA enterprise number in sysObjectID. Only the
// maker's own subtree is asked, so an agent of another vendor costs nothing.
var vendorOIDs = map[string][]VendorOID{
	// HP-LASERJET-COMMON-MIB system.id (glpi-agent MibSupport/HPNetPeripheral.pm).
	"11": {
		{"1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.2.0", "model", facts.ConfidenceHigh, "HP-LASERJET-COMMON-MIB model-name"},
		{"1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.3.0", "serial", facts.ConfidenceHigh, "HP-LASERJET-COMMON-MIB serial-number"},
		{"1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.6.0", "firmware", facts.ConfidenceMedium, "HP-LASERJET-COMMON-MIB fw-rom-revision"},
	},
	// Ricoh private MIB ricohSysDescr group (ricohSysName, ricohSysVers).
	"367": {
		{"1.3.6.1.4.1.367.3.2.1.1.1.1.0", "model", facts.ConfidenceHigh, "RicohPrivateMIB ricohSysName"},
		{"1.3.6.1.4.1.367.3.2.1.1.1.2.0", "firmware", facts.ConfidenceHigh, "RicohPrivateMIB ricohSysVers"},
	},
	// KYOCERA-Private-MIB kcprtGeneralTable (librenms/observium Kyocera poller).
	"1347": {
		{"1.3.6.1.4.1.1347.43.5.1.1.1.1", "model", facts.ConfidenceHigh, "KYOCERA-Private-MIB kcprtGeneralModelName"},
		{"1.3.6.1.4.1.1347.43.5.1.1.28.1", "serial", facts.ConfidenceHigh, "KYOCERA-Private-MIB kcprtSerialNumber"},
	},
	// Konica Minolta (glpi-agent MibSupport/Konica.pm).
	"18334": {
		{"1.3.6.1.4.1.18334.1.1.1.1.6.2.1.0", "model", facts.ConfidenceHigh, "Konica Minolta private MIB model"},
	},
	// Toshiba TEC (glpi-agent MibSupport/Toshiba.pm).
	"1129": {
		{"1.3.6.1.4.1.1129.1.2.1.1.1.2.1.0", "model", facts.ConfidenceHigh, "TOSHIBA TEC bcpDeviceModel"},
		{"1.3.6.1.4.1.1129.1.2.1.1.1.1.2.0", "firmware", facts.ConfidenceHigh, "TOSHIBA TEC bcpProductVersion"},
	},
	// OKI (glpi-agent MibSupport/Oki.pm).
	"2001": {
		{"1.3.6.1.4.1.2001.1.1.1.1.11.1.10.25.0", "model", facts.ConfidenceHigh, "OKI private MIB model"},
		{"1.3.6.1.4.1.2001.1.1.1.1.11.1.10.45.0", "serial", facts.ConfidenceHigh, "OKI private MIB serial"},
	},
	// Epson (glpi-agent MibSupport/Epson.pm).
	"1248": {
		{"1.3.6.1.4.1.1248.1.2.2.1.1.1.2.1", "model", facts.ConfidenceHigh, "EPSON private MIB model"},
		{"1.3.6.1.4.1.1248.1.2.2.1.1.1.5.1", "serial", facts.ConfidenceHigh, "EPSON private MIB serial"},
	},
	// BROTHER-MIB (glpi-agent MibSupport/BrotherNetConfig.pm).
	"2435": {
		{"1.3.6.1.4.1.2435.2.3.9.4.2.1.5.5.1.0", "serial", facts.ConfidenceHigh, "BROTHER-MIB brInfoSerialNumber"},
		{"1.3.6.1.4.1.2435.2.4.3.1240.1.4.0", "firmware", facts.ConfidenceMedium, "BROTHER-MIB brpsMainRevision"},
	},
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
	for _, list := range vendorOIDs {
		for _, v := range list {
			add(v.Field, values[v.OID], v.OID, v.Confidence)
		}
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
