package banner

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/mfpscan/mfpscan/internal/testfile"
	"github.com/mfpscan/mfpscan/internal/testtable"
)

func TestHintsFromCapturedBanners(t *testing.T) {
	canonFTP := func(model string) []Hint {
		return []Hint{{"vendor", "Canon", "high"}, {"model", model, "medium"}, {"printer", "true", "high"}}
	}
	tests := []struct {
		file    string
		service string
		want    []Hint
	}{
		{"ftp-canon-iradv.txt", "ftp", canonFTP("iR-ADV C5535")},
		{"ftp-canon-mf.txt", "ftp", canonFTP("MF8500C Series")},
		{"ftp-canon-ipf.txt", "ftp", nil},
		{"smtp-canon.txt", "smtp", []Hint{{"vendor", "Canon", "medium"}, {"printer", "true", "medium"}}},
		{"ftp-konica.txt", "ftp", []Hint{{"vendor", "Konica Minolta", "medium"}, {"printer", "true", "medium"}}},
		{"ftp-xerox.txt", "ftp", []Hint{{"vendor", "Xerox", "medium"}, {"printer", "true", "medium"}}},
		{"ftp-ricoh.txt", "ftp", []Hint{{"vendor", "Ricoh", "medium"}, {"printer", "true", "medium"}}},
		{"ftp-vsftpd.txt", "ftp", []Hint{{"not_printer", "true", "low"}}},
		{"smtp-postfix.txt", "smtp", []Hint{{"not_printer", "true", "low"}}},
		{"pjl-canon-iradv.txt", "pjl", []Hint{{"vendor", "Canon", "medium"}, {"model", "iR-ADV C5535", "medium"}, {"printer", "true", "high"}}},
		{"pjl-canon-mf.txt", "pjl", []Hint{{"vendor", "Canon", "medium"}, {"model", "MF632C/634C", "medium"}, {"printer", "true", "high"}}},
		{"pjl-canon-lbp-unquoted.txt", "pjl", []Hint{{"vendor", "Canon", "medium"}, {"model", "LBP6030w/6018w", "medium"}, {"printer", "true", "high"}}},
		{"pjl-hp.txt", "pjl", []Hint{{"printer", "true", "high"}, {"vendor", "HP", "medium"}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw := testfile.Testdata(t, "banners", tt.file)
			text := CleanText(raw)
			if tt.service == "pjl" {
				id, ok := ParsePJLID(raw)
				if !ok {
					t.Fatalf("ParsePJLID found no id in %q", raw)
				}
				text = id
			}
			if diff := cmp.Diff(tt.want, Hints(tt.service, text)); diff != "" {
				t.Errorf("Hints(%q) (-want +got):\n%s", text, diff)
			}
		})
	}
}

func TestStripTelnet(t *testing.T) {
	strip := func(in string) string { return string(StripTelnet([]byte(in))) }
	testtable.Mapping(t, "StripTelnet", strip, map[string]string{
		"\xff\xfd\x18\xff\xfd\x20\xff\xfb\x01\r\nlogin: ": "\r\nlogin: ",
		"a\xff\xffb":                 "a\xffb",
		"\xff\xfa\x18\x01\xff\xf0ok": "ok",
		"\xff\xfa\x18 unterminated":  "",
		"\xff":                       "",
		"\xff\xf1nop":                "nop",
	})
}

func TestReplyComplete(t *testing.T) {
	complete := func(in string) bool { return ReplyComplete([]byte(in)) }
	testtable.Mapping(t, "ReplyComplete", complete, map[string]bool{
		"220 ready.\r\n":            true,
		"220-first\r\n":             false,
		"220-first\r\n220 last\r\n": true,
		"220 no newline":            false,
		"":                          false,
		"garbage\r\n":               false,
	})
}

func TestCleanText(t *testing.T) {
	clean := func(in string) string { return CleanText([]byte(in)) }
	testtable.Mapping(t, "CleanText", clean, map[string]string{
		"220-Connection established.\r\n220-HELP\r\n220 Connection established.\r\n": "220-Connection established.\n220-HELP\n220 Connection established.",
		"a\x00b\x1b[0m\tc\xff": "ab[0m c",
		"\r\n\r\n":             "",
	})
	if got := CleanText(bytes.Repeat([]byte("é"), 5000)); len(got) > MaxText || !utf8.ValidString(got) {
		t.Errorf("CleanText cap: %d bytes valid=%v", len(got), utf8.ValidString(got))
	}
}

func FuzzParseBanner(f *testing.F) {
	entries, err := os.ReadDir(testdataDir)
	if err != nil {
		f.Fatalf("read testdata: %v", err)
	}
	for _, e := range entries {
		f.Add(testfile.Testdata(f, "banners", e.Name()), strings.SplitN(e.Name(), "-", 2)[0])
	}
	f.Fuzz(func(t *testing.T, raw []byte, service string) {
		text := CleanText(StripTelnet(raw))
		if len(text) > MaxText || !utf8.ValidString(text) {
			t.Fatalf("CleanText: %d bytes, valid=%v", len(text), utf8.ValidString(text))
		}
		if id, ok := ParsePJLID(raw); ok && (id == "" || strings.ContainsAny(id, "\r\n\f")) {
			t.Fatalf("ParsePJLID returned %q", id)
		}
		_ = ReplyComplete(raw)
		for _, h := range Hints(service, text) {
			if h.Field == "" || h.Value == "" {
				t.Fatalf("empty hint %+v", h)
			}
		}
	})
}

// Every vendor the banner pattern can match has a name, whatever its case
// in the banner.
func TestVendorOf(t *testing.T) {
	testtable.Mapping(t, "vendorOf", vendorOf, map[string]string{
		"220 KONICA MINOLTA FTP server ready": "Konica Minolta",
		"220 xerox ftp":                       "Xerox",
		"220 Brother FTP":                     "Brother",
		"@PJL INFO ID LEXMARK":                "Lexmark",
		"220 HP Color LaserJet MFP":           "HP",
		"220 JetDirect FTP Server":            "HP",
		"220 Sharp":                           "Sharp",
		"220 vsFTPd 3.0.3":                    "",
	})
	for _, alt := range strings.Split(strings.TrimSuffix(strings.TrimPrefix(rePrinterVend.String(), `(?i)\b(`), `)\b`), "|") {
		if vendorOf(alt) == "" {
			t.Errorf("vendorOf(%q) has no name for a vendor the pattern matches", alt)
		}
	}
}
