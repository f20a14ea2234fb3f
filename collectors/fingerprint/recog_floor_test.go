package fingerprint

import "testing"

// recogFloors are the per-vendor figures recorded in docs/BENCHMARKS.md
// (vendor right, model right, printer flag right), kept as floors so a
// fingerprint change that loses recog examples fails. The gaps left are
// recog labels that name a network card or print server (OKI "OkiLAN
// 6400e", HP "JD24", Epson print servers) instead of the printer, or
// a label that is a host name (Konica Minolta "KM23BF0A").
var recogFloors = map[string][3]int{
	"Brother": {16, 16, 16}, "Canon": {41, 36, 41}, "Dell": {17, 16, 17}, "Epson": {43, 28, 42},
	"Fuji Xerox": {8, 7, 8}, "HP": {17, 5, 17}, "Konica Minolta": {15, 6, 15}, "Kyocera": {13, 10, 13},
	"Lexmark": {57, 56, 57}, "OKI": {6, 0, 6}, "Ricoh": {102, 89, 102}, "Samsung": {6, 6, 6},
	"Sharp": {15, 15, 15}, "Toshiba": {6, 3, 6}, "Xerox": {44, 41, 44},
}

func checkFloors(t *testing.T, floors map[string][3]int, per, nonPrinter map[string]*tally) {
	t.Helper()
	for vendor, f := range floors {
		got := per[vendor]
		if got == nil {
			t.Errorf("%s: no labelled examples ran", vendor)
			continue
		}
		if got.vendor < f[0] || got.model < f[1] || got.printer < f[2] {
			t.Errorf("%s: vendor %d model %d printer %d of %d, below the recorded %v", vendor, got.vendor, got.model, got.printer, got.n, f)
		}
	}
	for vendor, np := range nonPrinter {
		if np.printer != np.n {
			t.Errorf("%s: %d of %d non-printers flagged as printers", vendor, np.n-np.printer, np.n)
		}
	}
}
