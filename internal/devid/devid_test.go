package devid

import "testing"

// Device IDs as Xerox agents answer 253.8.51.1.2.1.20.1, quoted in
// librenms/librenms includes/polling/os/xerox.inc.php @ bf07fd9f, and a
// Canon inkjet's from its IPP response (testdata/ipp/real).
func TestField(t *testing.T) {
	for _, tc := range []struct{ id, key, want string }{
		{"MFG:Xerox;CMD:Adobe PostScript 3,PCL;MDL:Phaser 4510N;CLS:Printer;DES:Xerox Phaser 4510 Laser Printer, PostScript 3, Letter/A4 Size", "MDL", "Phaser 4510N"},
		{"MFG:Xerox; CMD:PCL, PJL, POSTSCRIPT; MDL:WorkCentre 7535; CLS:Printer; Des:Xerox WorkCentre 7535", "MDL", "WorkCentre 7535"},
		{"MFG:Canon;CMD:BJL,BJRaster3;MDL:MX490 series;CLS:PRINTER;DES:Canon MX490 series;VER:4.050;STA:10;", "ver", "4.050"},
		{"mdl:ColorQube 8880DN;", "MDL", "ColorQube 8880DN"},
		{"MFG:Xerox;CMD:PCL", "MDL", ""},
		{"", "MDL", ""},
	} {
		if got := Field(tc.id, tc.key); got != tc.want {
			t.Errorf("Field(%q, %s) = %q, want %q", tc.id, tc.key, got, tc.want)
		}
	}
}

func FuzzField(f *testing.F) {
	f.Add("MFG:Xerox; MDL:AltaLink C8045; CLS:Printer", "MDL")
	f.Fuzz(func(t *testing.T, s, key string) {
		if got := Field(s, key); len(got) > len(s) {
			t.Fatalf("field %q longer than the input", got)
		}
	})
}
