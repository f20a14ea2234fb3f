package ipp

import (
	"testing"

	"github.com/mfpscan/mfpscan/internal/testfile"
)

// TestRealPrinterResponses parses Get-Printer-Attributes responses saved
// from real printers (testdata/ipp/real, origin in its README) and checks
// the identity read from them against what each printer states.
func TestRealPrinterResponses(t *testing.T) {
	for _, tc := range []struct {
		file, vendor, model, firmware, where string
	}{
		// The only firmware entry is labelled "IPP": the device firmware
		// comes from the device ID's VER key.
		{"gmuth-canon-mx490-series.res", "Canon", "MX490 series", "4.050", "printer-device-id VER"},
		{"gmuth-hp-color-laserjet-mfp-m476dn.res", "HP", "Color LaserJet MFP M476dn", "", ""},
		{"gmuth-hp-color-laserjet-mfp-m477fdw.res", "HP", "Color LaserJet MFP M477fdw", "20201022", "printer-firmware-string-version (20201022)"},
		{"gmuth-hp-laserjet-100-colormfp-m175nw.res", "HP", "LaserJet 100 colorMFP M175nw", "", ""},
		{"gmuth-hp-laserjet-pro-mfp-m127fw.res", "HP", "LaserJet Pro MFP M127fw", "20141113", "printer-device-id FWVER"},
		// Five versions for three labels: the one labelled as the system
		// firmware, not the IPP or URF versions.
		{"gmuth-xerox-b210-printer.res", "Xerox", "B210 Printer", "80.000.60.000", "printer-firmware-string-version (System Firmware Version)"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			a, err := Parse(testfile.Testdata(t, "ipp", "real/"+tc.file))
			if err != nil {
				t.Fatal(err)
			}
			vendor, model := SplitMakeModel(a.Service.MakeAndModel)
			if vendor != tc.vendor || model != tc.model {
				t.Errorf("make and model %q: vendor %q model %q, want %q %q", a.Service.MakeAndModel, vendor, model, tc.vendor, tc.model)
			}
			fw, where, ok := FirmwareOf(a)
			if fw != tc.firmware || where != tc.where || ok != (tc.firmware != "") {
				t.Errorf("firmware %q from %q (%v), want %q from %q", fw, where, ok, tc.firmware, tc.where)
			}
		})
	}
}
