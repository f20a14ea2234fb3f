package snmp

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gosnmp/gosnmp"

	"github.com/mfpscan/mfpscan/internal/testfile"
)

const testdataDir = "../../testdata/snmp"

func TestSanitize(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"plain", []byte("Canon iR-ADV C5535 III /P"), "Canon iR-ADV C5535 III /P"},
		{"trailing nul and crlf", []byte("MF745C/746C\x00\r\n"), "MF745C/746C"},
		{"control chars collapse", []byte("a\x01\x02b\tc"), "a b c"},
		{"invalid utf8 dropped", []byte("LBP\xff\xfe6670"), "LBP6670"},
		{"bom dropped", []byte("\xef\xbb\xbfiR1025"), "iR1025"},
		{"escape sequence", []byte("x\x1b[31mred"), "x [31mred"},
		{"empty", nil, ""},
		{"capped", []byte(strings.Repeat("A", 5000)), strings.Repeat("A", MaxValueLen)},
		{"cap on rune boundary", []byte(strings.Repeat("é", 200)), strings.Repeat("é", MaxValueLen/2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sanitize(tt.in); got != tt.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestValueString(t *testing.T) {
	tests := []struct {
		pdu    gosnmp.SnmpPDU
		want   string
		wantOK bool
	}{
		{gosnmp.SnmpPDU{Type: gosnmp.OctetString, Value: []byte("Canon LBP6670 /P")}, "Canon LBP6670 /P", true},
		{gosnmp.SnmpPDU{Type: gosnmp.ObjectIdentifier, Value: ".1.3.6.1.4.1.1602.4.2"}, "1.3.6.1.4.1.1602.4.2", true},
		{gosnmp.SnmpPDU{Type: gosnmp.IPAddress, Value: "192.168.1.20"}, "192.168.1.20", true},
		{gosnmp.SnmpPDU{Type: gosnmp.Integer, Value: 42}, "42", true},
		{gosnmp.SnmpPDU{Type: gosnmp.TimeTicks, Value: uint32(1234)}, "1234", true},
		{gosnmp.SnmpPDU{Type: gosnmp.NoSuchObject}, "", false},
		{gosnmp.SnmpPDU{Type: gosnmp.NoSuchInstance}, "", false},
		{gosnmp.SnmpPDU{Type: gosnmp.EndOfMibView}, "", false},
		{gosnmp.SnmpPDU{Type: gosnmp.OctetString, Value: 12}, "", false},
	}
	for _, tt := range tests {
		got, ok := ValueString(tt.pdu)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("ValueString(%v %v) = %q,%v; want %q,%v", tt.pdu.Type, tt.pdu.Value, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestMAC(t *testing.T) {
	tests := []struct {
		in     []byte
		want   string
		wantOK bool
	}{
		{[]byte{0x88, 0x87, 0x17, 0x01, 0x02, 0x03}, "88:87:17:01:02:03", true},
		{[]byte{}, "", false},
		{make([]byte, 6), "", false},
		{[]byte{1, 2, 3, 4, 5, 6, 7, 8}, "", false},
	}
	for _, tt := range tests {
		got, ok := MAC(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("MAC(%x) = %q,%v; want %q,%v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestParseEngineID(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		want    EngineID
		wantErr bool
	}{
		{"agent++ canon", []byte("\x80\x00\x13\x70\x05MFP3F"), EngineID{Hex: "80001370054d46503346", Enterprise: 4976, Format: 5}, false},
		{"net-snmp random", []byte("\x80\x00\x1f\x88\x80\x01\x02\x03\x04\x05\x06\x07\x08"), EngineID{Hex: "80001f888001020304050607" + "08", Enterprise: 8072, Format: 128}, false},
		{"rfc1910 layout", []byte("\x00\x00\x06\x42\x01\x02\x03\x04\x05\x06\x07\x08"), EngineID{Hex: "000006420102030405060708", Enterprise: 1602}, false},
		{"too short", []byte{0x80, 0, 0x13}, EngineID{}, true},
		{"too long", make([]byte, 33), EngineID{}, true},
		{"odd legacy length", []byte("\x00\x00\x06\x42\x01\x02"), EngineID{Hex: "000006420102"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEngineID(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseEngineID = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestOIDSuffixAndAddrFromIndex(t *testing.T) {
	suffix, ok := OIDSuffix(".1.3.6.1.2.1.4.34.1.3.1.4.192.168.10.25", oidIPAddressIf)
	if !ok {
		t.Fatal("OIDSuffix rejected a valid ipAddressTable OID")
	}
	addr, ok := AddrFromIndex(suffix)
	if !ok || string(addr) != string([]byte{192, 168, 10, 25}) {
		t.Errorf("AddrFromIndex(%v) = %v,%v", suffix, addr, ok)
	}
	for _, bad := range [][]int{{1, 4, 1, 2, 3}, {3, 4, 1, 2, 3, 4}, {1, 4, 1, 2, 3, 999}, {2, 16, 1}, {}} {
		if _, ok := AddrFromIndex(bad); ok {
			t.Errorf("AddrFromIndex(%v) accepted a malformed index", bad)
		}
	}
	for _, bad := range []string{"1.3.6.1.2.1.4.34.1.3", "1.3.6.1.2.1.4.34.1.30.1", "1.3.6.1.2.1.4.34.1.3.x", "9.9"} {
		if _, ok := OIDSuffix(bad, oidIPAddressIf); ok {
			t.Errorf("OIDSuffix(%q) accepted an OID outside the table", bad)
		}
	}
}

// TestDecodeCaptured decodes replies captured from net-snmp's snmpd.
func TestDecodeCaptured(t *testing.T) {
	get := testfile.Testdata(t, "snmp", "netsnmp-v2c-get-sysdescr-response.bin")
	pkt, err := decode(&gosnmp.GoSNMP{Version: gosnmp.Version2c}, get)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if s, _ := ValueString(pkt.Variables[0]); s != "Canon iR-ADV C5535 III /P" {
		t.Errorf("sysDescr = %q", s)
	}
	v1 := testfile.Testdata(t, "snmp", "netsnmp-v1-get-nosuchname-response.bin")
	pkt, err = decode(&gosnmp.GoSNMP{Version: gosnmp.Version1}, v1)
	if err != nil || pkt.Error != gosnmp.NoSuchName {
		t.Errorf("v1 reply error = %v (decode err %v), want noSuchName", pkt.Error, err)
	}
	report := testfile.Testdata(t, "snmp", "netsnmp-v3-discovery-report.bin")
	pkt, err = decode(v3Decoder(), report)
	if err != nil || pkt.PDUType != gosnmp.Report {
		t.Fatalf("v3 report: %v %v", pkt, err)
	}
	usm := pkt.SecurityParameters.(*gosnmp.UsmSecurityParameters)
	id, err := ParseEngineID([]byte(usm.AuthoritativeEngineID))
	if err != nil || id.Enterprise != 8072 {
		t.Errorf("engine id %+v err %v, want net-snmp 8072", id, err)
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range sysDescrSeeds(f) {
		f.Add([]byte(s))
	}
	f.Add([]byte("\xff\x00\x1b\xef\xbb\xbf"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s := Sanitize(b)
		if len(s) > MaxValueLen || !utf8.ValidString(s) {
			t.Fatalf("Sanitize produced %d bytes, valid=%v", len(s), utf8.ValidString(s))
		}
		for _, r := range s {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("control character %U survived", r)
			}
		}
	})
}

func FuzzParseEngineID(f *testing.F) {
	f.Add([]byte("\x80\x00\x13\x70\x05MFP3F"))
	f.Add([]byte("\x00\x00\x06\x42\x01\x02\x03\x04\x05\x06\x07\x08"))
	f.Fuzz(func(t *testing.T, b []byte) {
		id, err := ParseEngineID(b)
		if err == nil && (id.Enterprise < 0 || len(id.Hex) != 2*len(b)) {
			t.Fatalf("ParseEngineID(%x) = %+v", b, id)
		}
	})
}

// FuzzDecodeReply runs captured agent replies, mutated, through the decoder
// and value rendering the collector uses: garbage must be an error, never a
// crash.
func FuzzDecodeReply(f *testing.F) {
	entries, err := os.ReadDir(testdataDir)
	if err != nil {
		f.Fatalf("read testdata: %v", err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".bin") {
			f.Add(testfile.Testdata(f, "snmp", e.Name()))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, x := range []*gosnmp.GoSNMP{{Version: gosnmp.Version2c}, v3Decoder()} {
			pkt, err := decode(x, b)
			if err != nil {
				continue
			}
			for _, v := range pkt.Variables {
				if s, _ := ValueString(v); len(s) > MaxValueLen {
					t.Fatalf("value longer than cap: %d", len(s))
				}
			}
		}
	})
}

func sysDescrSeeds(f *testing.F) []string {
	file, err := os.Open(filepath.Join(testdataDir, "sysdescr.txt"))
	if err != nil {
		f.Fatalf("open seeds: %v", err)
	}
	defer file.Close()
	var out []string
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}
