package ipp

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfile"
)

func TestParseAttributes(t *testing.T) {
	tests := []struct {
		file    string
		want    facts.IPPService
		wantErr error
	}{
		{"ippeveprinter_canon_iradv.bin", facts.IPPService{
			MakeAndModel:             "Canon iR-ADV C5535 III",
			URISecuritySupported:     []string{"none", "tls"},
			URIAuthenticationSupport: []string{"none", "none"},
		}, nil},
		{"synthetic_canon_mf743.bin", facts.IPPService{
			MakeAndModel:             "Canon MF741C/743C",
			FirmwareName:             []string{"Controller", "Engine"},
			FirmwareVersion:          []string{"12.03", "01.05"},
			URISecuritySupported:     []string{"none"},
			URIAuthenticationSupport: []string{"requesting-user-name"},
		}, nil},
		{"error_not_found.bin", facts.IPPService{}, ErrIPPStatus},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ParseAttributes(testfile.Testdata(t, "ipp", tt.file))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("ParseAttributes (-want +got):\n%s", d)
			}
		})
	}
	for name, b := range map[string][]byte{"empty": nil, "http": []byte("HTTP/1.1 200 OK\r\n"), "huge": make([]byte, MaxBody+1)} {
		if _, err := ParseAttributes(b); err == nil {
			t.Errorf("%s: parsed garbage", name)
		}
	}
}

func TestParseExtras(t *testing.T) {
	a, err := Parse(testfile.Testdata(t, "ipp", "ippeveprinter_canon_iradv.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if a.DeviceID != "MFG:Canon;MDL:iR-ADV C5535 III;CMD:PWG,URF;" || len(a.URIs) == 0 || a.Info != "Canon test" {
		t.Errorf("extras = %+v", a)
	}
}

func TestBuildRequestOnlyGetPrinterAttributes(t *testing.T) {
	b, err := BuildRequest("ipp://127.0.0.1:47631/ipp/print")
	if err != nil {
		t.Fatal(err)
	}
	// Operation ID is bytes 2-3: 0x000B Get-Printer-Attributes.
	if len(b) < 4 || b[2] != 0x00 || b[3] != 0x0B {
		t.Fatalf("operation % x", b[:4])
	}
	if !slices.Equal(b, testfile.Testdata(t, "ipp", "get_printer_attributes_request.bin")) {
		t.Error("request differs from the recorded one")
	}
}

func TestSplitMakeModel(t *testing.T) {
	tests := []struct{ in, vendor, model string }{
		{"Canon iR-ADV C5535 III", "Canon", "iR-ADV C5535 III"},
		{"HP LaserJet M404", "HP", "LaserJet M404"},
		{"Generic PDF Printer", "", "Generic PDF Printer"},
		{"", "", ""},
	}
	for _, tt := range tests {
		if v, m := SplitMakeModel(tt.in); v != tt.vendor || m != tt.model {
			t.Errorf("SplitMakeModel(%q) = %q %q", tt.in, v, m)
		}
	}
}

func FuzzParseAttributes(f *testing.F) {
	for _, n := range []string{"ippeveprinter_canon_iradv.bin", "synthetic_canon_mf743.bin", "error_not_found.bin", "get_printer_attributes_request.bin",
		"real/gmuth-canon-mx490-series.res", "real/gmuth-xerox-b210-printer.res"} {
		f.Add(testfile.Testdata(f, "ipp", n))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := Parse(body)
		if err != nil {
			return
		}
		got := a.Service
		if v, _, ok := FirmwareOf(a); ok && v == "" {
			t.Fatal("firmware found but empty")
		}
		for _, s := range append([]string{got.MakeAndModel}, got.FirmwareVersion...) {
			if len([]rune(s)) > maxValueLen {
				t.Fatalf("value not capped: %d runes", len([]rune(s)))
			}
		}
		if len(got.FirmwareName) > maxValues || len(got.URISecuritySupported) > maxValues {
			t.Fatal("values not capped")
		}
	})
}

// TestFirmwareEntry: pairs as PWG 5110.1 defines them (printer-firmware-name
// with printer-firmware-string-version at the same index). The Canon layout
// (an "IPP" entry beside the device firmware) is rebuilt from the issue 13
// description of a real response, not from a capture in this repository.
func TestFirmwareEntry(t *testing.T) {
	tests := []struct {
		name            string
		names, versions []string
		want, wantLabel string
		ok              bool
	}{
		{"canon ipp listed first", []string{"IPP", "Firmware"}, []string{"2.00", "05.04"}, "05.04", "Firmware", true},
		{"device label preferred", []string{"Network", "System Firmware", "Boot"}, []string{"1.2", "47.07", "1.0"}, "47.07", "System Firmware", true},
		{"single unlabelled-looking name", []string{"MAHDWOPP1N001.2506A.00"}, []string{"MAHDWOPP1N001.2506A.00"}, "MAHDWOPP1N001.2506A.00", "MAHDWOPP1N001.2506A.00", true},
		{"no names", nil, []string{"03.07"}, "03.07", "", true},
		{"only other parts", []string{"IPP", "PCL"}, []string{"2.0", "6.0"}, "", "", false},
		{"fewer names than versions", []string{"IPP"}, []string{"2.0", "3.1"}, "", "", false},
		{"empty", nil, nil, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, label, ok := FirmwareEntry(tt.names, tt.versions)
			if got != tt.want || label != tt.wantLabel || ok != tt.ok {
				t.Errorf("FirmwareEntry = %q, %q, %v; want %q, %q, %v", got, label, ok, tt.want, tt.wantLabel, tt.ok)
			}
		})
	}
}

func FuzzFirmwareEntry(f *testing.F) {
	f.Add("IPP\x00Firmware", "2.00\x0005.04")
	f.Fuzz(func(t *testing.T, names, versions string) {
		n, v := strings.Split(names, "\x00"), strings.Split(versions, "\x00")
		got, _, ok := FirmwareEntry(n, v)
		if ok != (got != "") && len(n) > 0 {
			t.Fatalf("ok=%v with version %q", ok, got)
		}
	})
}
