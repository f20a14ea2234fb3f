package fingerprint

import (
	"os"
	"testing"

	"github.com/mfpscan/mfpscan/collectors/ipp"
	"github.com/mfpscan/mfpscan/facts"
)

// TestRealIPPResponsesFused fuses the IPP facts of printers' own responses
// (testdata/ipp/real, origin in testdata/ipp/README.md): vendor, printer
// flag, and the MFP flag the HP names carry ("MFP", "colorMFP").
func TestRealIPPResponsesFused(t *testing.T) {
	db, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file, vendor string
		mfp          bool // true: the name says MFP; false: not flagged (left unknown)
	}{
		{"gmuth-canon-mx490-series.res", "Canon", false},
		{"gmuth-hp-color-laserjet-mfp-m476dn.res", "HP", true},
		{"gmuth-hp-color-laserjet-mfp-m477fdw.res", "HP", true},
		{"gmuth-hp-laserjet-100-colormfp-m175nw.res", "HP", true},
		{"gmuth-hp-laserjet-pro-mfp-m127fw.res", "HP", true},
		{"gmuth-xerox-b210-printer.res", "Xerox", false},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile("../../testdata/ipp/real/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			svc, err := ipp.ParseAttributes(b)
			if err != nil {
				t.Fatal(err)
			}
			d := &facts.Device{Collectors: map[string]facts.CollectorStatus{}, IPP: []facts.IPPService{svc}}
			Fuse(db, d)
			id := d.Identity
			if val(id.Vendor) != tc.vendor || id.IsPrinter == nil || !*id.IsPrinter {
				t.Errorf("vendor %q printer %v, want %q and a printer", val(id.Vendor), id.IsPrinter, tc.vendor)
			}
			if isMFP := id.IsMFP != nil && *id.IsMFP; isMFP != tc.mfp {
				t.Errorf("MFP flag %v, want %v", id.IsMFP, tc.mfp)
			}
		})
	}
}
