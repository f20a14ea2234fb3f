package scanner

import (
	"os"
	"testing"

	"github.com/mfpscan/mfpscan/internal/testfile"
)

func TestParseBJNPReply(t *testing.T) {
	capture := testfile.Read(t, "testdata/bjnp-identity-mf750c.bin")
	id, err := ParseBJNPReply(capture)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if id.DevType != bjnpPrinter || id.Seq != 7 || id.Manufacturer != "Canon" || id.Model != "MF750C Series" || id.Firmware != "03.07" {
		t.Errorf("identity = %+v", id)
	}
	hints := id.Hints("bjnp:8611")
	if len(hints) != 4 || hints[0].Field != "vendor" || hints[0].Value != "Canon" {
		t.Errorf("hints = %+v", hints)
	}

	bad := map[string][]byte{
		"empty":      nil,
		"no magic":   append([]byte("XJNP"), capture[4:]...),
		"request":    append(append([]byte{}, capture[:4]...), append([]byte{0x01}, capture[5:]...)...),
		"other cmd":  append(append([]byte{}, capture[:5]...), append([]byte{0x01}, capture[6:]...)...),
		"header":     capture[:16],
		"length big": append(append([]byte{}, capture[:16]...), 0xff, 0xff, 'M'),
		"length 1":   append(append([]byte{}, capture[:16]...), 0x00, 0x01),
	}
	for name, b := range bad {
		if _, err := ParseBJNPReply(b); err == nil {
			t.Errorf("%s: parsed without error", name)
		}
	}
}

// The request is a get-identity for the port's device type, header only
// for printers and with the 4-byte zero payload for scanners.
func TestBJNPIdentityRequest(t *testing.T) {
	p := bjnpIdentityRequest(bjnpPrinter, 9)
	if len(p) != 16 || string(p[:4]) != "BJNP" || p[4] != 1 || p[5] != 0x30 || p[9] != 9 {
		t.Errorf("printer request % x", p)
	}
	s := bjnpIdentityRequest(bjnpScanner, 9)
	if len(s) != 20 || s[4] != 2 || s[15] != 4 {
		t.Errorf("scanner request % x", s)
	}
}

func FuzzParseBJNPReply(f *testing.F) {
	if b, err := os.ReadFile("testdata/bjnp-identity-mf750c.bin"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("BJNP\x81\x30\x00\x00\x00\x01\x00\x00\x00\x00\x00\x02\x00\x02"))
	f.Fuzz(func(t *testing.T, b []byte) {
		id, err := ParseBJNPReply(b)
		if err == nil && len(id.Model) > len(b) {
			t.Fatalf("model longer than the datagram")
		}
	})
}
