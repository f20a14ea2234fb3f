package scanner

import "testing"

func TestMDNSQueryAndReply(t *testing.T) {
	q := mdnsQuery(0xbeef)
	if q[0] != 0xbe || q[1] != 0xef || q[2]&0x80 != 0 || q[5] != 1 {
		t.Fatalf("query header % x", q[:12])
	}
	if _, err := ParseMDNSReply(q); err == nil {
		t.Error("a reflected query parsed as a reply")
	}
	// A response to it: same ID, QR and AA set, one answer (header only
	// is read).
	r := append([]byte{0xbe, 0xef, 0x84, 0x00, 0, 1, 0, 1, 0, 0, 0, 0}, q[12:]...)
	got, err := ParseMDNSReply(r)
	if err != nil || got.ID != 0xbeef || got.Answers != 1 {
		t.Errorf("reply = %+v, %v", got, err)
	}
	for name, b := range map[string][]byte{"short": r[:11], "opcode": append([]byte{0xbe, 0xef, 0x88}, r[3:]...)} {
		if _, err := ParseMDNSReply(b); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}

func FuzzParseMDNSReply(f *testing.F) {
	f.Add(append([]byte{1, 2, 0x84, 0, 0, 1, 0, 1, 0, 0, 0, 0}, mdnsQuery(1)[12:]...))
	f.Fuzz(func(t *testing.T, b []byte) {
		if r, err := ParseMDNSReply(b); err == nil && len(b) < dnsHeaderLen {
			t.Fatalf("parsed %+v from %d bytes", r, len(b))
		}
	})
}
