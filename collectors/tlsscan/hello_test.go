package tlsscan

import (
	"encoding/binary"
	"errors"
	"io"
	"slices"
	"testing"

	"github.com/mfpscan/mfpscan/internal/testfile"
)

// clientHello is a test-side decoding of a ClientHello record, written from
// RFC 8446 section 4.1.2 independently of the builder.
type clientHello struct {
	recVersion, version uint16
	sessionID           []byte
	suites              []uint16
	compression         []byte
	exts                map[uint16][]byte
	extOrder            []uint16
	hsLen               int
}

func decodeClientHello(t testing.TB, b []byte) clientHello {
	t.Helper()
	if len(b) < 9 || b[0] != 0x16 || b[5] != 1 {
		t.Fatalf("not a ClientHello record: % x", b[:min(len(b), 9)])
	}
	var h clientHello
	h.recVersion = binary.BigEndian.Uint16(b[1:])
	if n := int(binary.BigEndian.Uint16(b[3:])); n != len(b)-5 {
		t.Fatalf("record length %d, have %d", n, len(b)-5)
	}
	h.hsLen = int(b[6])<<16 | int(b[7])<<8 | int(b[8])
	body := b[9:]
	if h.hsLen != len(body) {
		t.Fatalf("handshake length %d, have %d", h.hsLen, len(body))
	}
	h.version = binary.BigEndian.Uint16(body)
	body = body[34:]
	h.sessionID, body = body[1:1+int(body[0])], body[1+int(body[0]):]
	n := int(binary.BigEndian.Uint16(body))
	for i := 2; i < 2+n; i += 2 {
		h.suites = append(h.suites, binary.BigEndian.Uint16(body[i:]))
	}
	body = body[2+n:]
	h.compression, body = body[1:1+int(body[0])], body[1+int(body[0]):]
	h.exts = map[uint16][]byte{}
	if len(body) == 0 {
		return h
	}
	n = int(binary.BigEndian.Uint16(body))
	body = body[2:]
	if n != len(body) {
		t.Fatalf("extensions length %d, have %d", n, len(body))
	}
	for len(body) >= 4 {
		typ, l := binary.BigEndian.Uint16(body), int(binary.BigEndian.Uint16(body[2:]))
		if _, dup := h.exts[typ]; dup {
			t.Fatalf("extension %d twice", typ)
		}
		h.exts[typ] = body[4 : 4+l]
		h.extOrder = append(h.extOrder, typ)
		body = body[4+l:]
	}
	return h
}

func TestBuildClientHello(t *testing.T) {
	var random [32]byte
	random[0] = 7
	t.Run("tls1.2 realistic extensions and SNI", func(t *testing.T) {
		h := decodeClientHello(t, BuildClientHello(HelloSpec{Version: versionTLS12, Suites: []uint16{0xC02F, 0x0033}, ServerName: "printer.example.test"}, random))
		if h.version != versionTLS12 || h.recVersion != versionTLS10 || !slices.Equal(h.suites, []uint16{0xC02F, 0x0033}) || !slices.Equal(h.compression, []byte{0}) {
			t.Errorf("header %+v", h)
		}
		for _, e := range []uint16{extServerName, extSupportedGroups, extECPointFormats, extSignatureAlgs, extRenegotiationInfo, extExtendedMaster} {
			if _, ok := h.exts[e]; !ok {
				t.Errorf("extension %d missing (have %v)", e, h.extOrder)
			}
		}
		if sni := h.exts[extServerName]; string(sni[5:]) != "printer.example.test" {
			t.Errorf("sni % x", sni)
		}
		// SHA-256 with RSA (0x0401) is what an OpenSSL server at the default
		// security level needs to sign DHE parameters.
		if sa := h.exts[extSignatureAlgs]; !slices.Contains(pairs(sa[2:]), 0x0401) || !slices.Contains(pairs(sa[2:]), 0x0201) {
			t.Errorf("signature algorithms % x", sa)
		}
		if _, ok := h.exts[extSupportedVersions]; ok {
			t.Error("supported_versions in a TLS 1.2 hello")
		}
		if h.hsLen+4 >= 256 && h.hsLen+4 < 512 {
			t.Errorf("hello of %d bytes falls in the 256-511 range some stacks hang on", h.hsLen+4)
		}
	})
	t.Run("no SNI for an address", func(t *testing.T) {
		for _, name := range []string{"192.0.2.1", "2001:db8::1", ""} {
			h := decodeClientHello(t, BuildClientHello(HelloSpec{Version: versionTLS12, Suites: []uint16{0x2F}, ServerName: name}, random))
			if _, ok := h.exts[extServerName]; ok {
				t.Errorf("SNI sent for %q", name)
			}
		}
	})
	t.Run("ssl3 has no extensions and carries the renegotiation SCSV", func(t *testing.T) {
		h := decodeClientHello(t, BuildSSLv3Hello(random))
		if h.recVersion != versionSSL3 || h.version != versionSSL3 || len(h.exts) != 0 || !slices.Contains(h.suites, scsvRenegotiation) {
			t.Errorf("ssl3 hello %+v", h)
		}
		if slices.Contains(h.suites, 0xC02F) || !slices.Contains(h.suites, 0x000A) {
			t.Error("ssl3 hello offers TLS 1.2-only suites or lacks 3DES")
		}
	})
	t.Run("tls1.3 key share and versions", func(t *testing.T) {
		spec := tls13Hello(tls13IDs())
		h := decodeClientHello(t, BuildClientHello(spec, random))
		if h.version != versionTLS12 || len(h.sessionID) != 32 || !slices.Equal(h.exts[extSupportedVersions], []byte{2, 3, 4}) {
			t.Errorf("tls1.3 hello %+v", h)
		}
		ks := h.exts[extKeyShare]
		if len(ks) != 2+4+32 || binary.BigEndian.Uint16(ks[2:]) != GroupX25519 {
			t.Errorf("key share % x", ks)
		}
		if g := pairs(h.exts[extSupportedGroups][2:]); !slices.Contains(g, GroupFFDHE2048) || !slices.Contains(g, GroupX25519MLKEM768) {
			t.Errorf("groups %v", g)
		}
	})
	t.Run("fallback and deflate", func(t *testing.T) {
		h := decodeClientHello(t, BuildClientHello(HelloSpec{Version: versionTLS11, Suites: []uint16{0x2F}, Fallback: true, Deflate: true}, random))
		if !slices.Equal(h.suites, []uint16{0x2F, scsvFallback}) || !slices.Equal(h.compression, []byte{1, 0}) {
			t.Errorf("suites %x compression %v", h.suites, h.compression)
		}
	})
}

func pairs(b []byte) []uint16 {
	var out []uint16
	for i := 0; i+1 < len(b); i += 2 {
		out = append(out, binary.BigEndian.Uint16(b[i:]))
	}
	return out
}

// serverHelloExt is serverHello with extensions.
func serverHelloExt(version, suite uint16, random []byte, exts ...[]byte) []byte {
	body := binary.BigEndian.AppendUint16(nil, version)
	r := make([]byte, 32)
	copy(r, random)
	body = append(body, r...)
	body = append(body, 0)
	body = binary.BigEndian.AppendUint16(body, suite)
	body = append(body, 0)
	var ext []byte
	for _, e := range exts {
		ext = append(ext, e...)
	}
	body = binary.BigEndian.AppendUint16(body, uint16(len(ext)))
	body = append(body, ext...)
	return handshakeMsg(2, body)
}

func handshakeMsg(typ byte, body []byte) []byte {
	return append([]byte{typ, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}, body...)
}

func record(typ byte, payload []byte) []byte {
	return append([]byte{typ, 3, 3, byte(len(payload) >> 8), byte(len(payload))}, payload...)
}

func certMsg(certs ...[]byte) []byte {
	var list []byte
	for _, c := range certs {
		list = append(list, byte(len(c)>>16), byte(len(c)>>8), byte(len(c)))
		list = append(list, c...)
	}
	return handshakeMsg(11, append([]byte{byte(len(list) >> 16), byte(len(list) >> 8), byte(len(list))}, list...))
}

func TestParseFlight(t *testing.T) {
	reneg := appendExt(nil, extRenegotiationInfo, []byte{0})
	sv13 := appendExt(nil, extSupportedVersions, []byte{3, 4})
	ks := appendExt(nil, extKeyShare, []byte{0, 23})
	sh12 := serverHelloExt(versionTLS12, 0xC02F, nil, reneg)
	leaf := []byte("leaf-der")
	full := slices.Concat(sh12, certMsg(leaf, []byte("ca")), handshakeMsg(14, nil))
	tests := []struct {
		name     string
		data     []byte
		wantCert bool
		complete bool
		isErr    bool
		check    func(Flight) bool
	}{
		{"alert", record(recordAlert, []byte{2, 40}), false, true, false,
			func(f Flight) bool { return f.Alert && f.AlertDesc == 40 && !f.ServerHello }},
		{"tls1.2 hello", record(recordHandshake, sh12), false, true, false,
			func(f Flight) bool { return f.Version == versionTLS12 && f.Suite == 0xC02F && f.SecureRenegotiation }},
		{"hello without renegotiation_info", record(recordHandshake, serverHelloExt(versionTLS12, 0x2F, nil)), false, true, false,
			func(f Flight) bool { return !f.SecureRenegotiation }},
		{"tls1.3 by supported_versions", record(recordHandshake, serverHelloExt(versionTLS12, 0x1301, nil, sv13)), false, true, false,
			func(f Flight) bool { return f.Version == versionTLS13 && !f.HRR }},
		{"hello retry request", record(recordHandshake, serverHelloExt(versionTLS12, 0x1302, hrrRandom, sv13, ks)), true, true, false,
			func(f Flight) bool { return f.HRR && f.Group == 23 && f.Suite == 0x1302 && f.Version == versionTLS13 }},
		{"chain across records", slices.Concat(record(recordHandshake, full[:50]), record(recordHandshake, full[50:])), true, true, false,
			func(f Flight) bool { return len(f.Certificates) == 2 && string(f.Certificates[0]) == "leaf-der" }},
		{"hello only, certificate wanted", record(recordHandshake, sh12), true, false, false,
			func(f Flight) bool { return f.ServerHello }},
		{"record cut off", record(recordHandshake, sh12)[:20], false, false, false,
			func(f Flight) bool { return !f.ServerHello }},
		{"alert after hello keeps the hello", slices.Concat(record(recordHandshake, sh12), record(recordAlert, []byte{2, 80})), true, true, false,
			func(f Flight) bool { return f.ServerHello && !f.Alert }},
		{"http", []byte("HTTP/1.1 400 Bad Request\r\n\r\n"), false, false, true, nil},
		{"certificate before hello", record(recordHandshake, certMsg(leaf)), true, false, true, nil},
		{"application data before hello", record(0x17, []byte{1, 2, 3}), false, false, true, nil},
		{"short alert", record(recordAlert, []byte{2}), false, false, true, nil},
		{"truncated hello", record(recordHandshake, handshakeMsg(2, []byte{3, 3, 1})), false, false, true, nil},
		{"extension overrun", record(recordHandshake, func() []byte {
			m := serverHelloExt(versionTLS12, 0x2F, nil, reneg)
			m[len(m)-len(reneg)+3] = 99
			return m
		}()), false, false, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, complete, err := ParseFlight(tt.data, tt.wantCert)
			if complete != tt.complete || (err != nil) != tt.isErr {
				t.Fatalf("complete %v err %v", complete, err)
			}
			if err != nil && !errors.Is(err, ErrNotSSLReply) {
				t.Errorf("error %v does not wrap ErrNotSSLReply", err)
			}
			if tt.check != nil && !tt.check(f) {
				t.Errorf("flight %+v", f)
			}
		})
	}
}

func TestJudge(t *testing.T) {
	hello := func(v, s uint16) Flight { return Flight{ServerHello: true, Version: v, Suite: s} }
	tests := []struct {
		name  string
		f     Flight
		err   error
		want  verdict
		offer []uint16
	}{
		{"accepted", hello(versionTLS12, 0x2F), nil, accepted, []uint16{0x2F}},
		{"alert", Flight{Alert: true, AlertDesc: 40}, nil, refused, []uint16{0x2F}},
		{"other version", hello(versionTLS12, 0x2F), nil, refused, []uint16{0x2F}},
		{"reset", Flight{}, errNetwork, unknown, []uint16{0x2F}},
		{"closed", Flight{}, io.EOF, unknown, []uint16{0x2F}},
		{"suite not offered", hello(versionTLS12, 0x35), nil, unknown, []uint16{0x2F}},
	}
	for _, tt := range tests {
		want := uint16(versionTLS12)
		if tt.name == "other version" {
			want = versionTLS11
		}
		if got, _ := judge(tt.f, tt.err, want, tt.offer); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDescribeSuite(t *testing.T) {
	tests := []struct {
		id                     uint16
		kex, auth, cipher, mac string
		bits                   int
		strength               string
		weak                   []string
	}{
		{0xC02F, "ECDHE", "RSA", "AES_128_GCM", "AEAD", 128, StrengthStrong, nil},
		{0x0033, "DHE", "RSA", "AES_128_CBC", "SHA", 128, StrengthMedium, []string{WeakCBCSHA1}},
		{0x000A, "RSA", "RSA", "3DES_EDE_CBC", "SHA", 112, StrengthWeak, []string{Weak3DES, WeakCBCSHA1, WeakNoPFS}},
		{0x0003, "RSA", "RSA", "RC4_40", "MD5", 40, StrengthInsecure, []string{WeakExport, WeakRC4, WeakNoPFS}},
		{0x0019, "DH", "anon", "DES40_CBC", "SHA", 40, StrengthInsecure, []string{WeakAnon, WeakExport, WeakDES, WeakCBCSHA1, WeakNoPFS}},
		{0x00A6, "DH", "anon", "AES_128_GCM", "AEAD", 128, StrengthInsecure, []string{WeakAnon, WeakNoPFS}},
		{0xC015, "ECDH", "anon", "NULL", "SHA", 0, StrengthInsecure, []string{WeakNull, WeakAnon, WeakNoPFS}},
		{0x0009, "RSA", "RSA", "DES_CBC", "SHA", 56, StrengthInsecure, []string{WeakDES, WeakCBCSHA1, WeakNoPFS}},
		{0x0006, "RSA", "RSA", "RC2_CBC_40", "MD5", 40, StrengthInsecure, []string{WeakExport, WeakRC2, WeakNoPFS}},
		{0x0007, "RSA", "RSA", "IDEA_CBC", "SHA", 128, StrengthWeak, []string{WeakIDEA, WeakCBCSHA1, WeakNoPFS}},
		{0xC0A2, "DHE", "RSA", "AES_128_CCM_8", "AEAD", 128, StrengthStrong, nil},
		{0xCCAC, "ECDHE_PSK", "PSK", "CHACHA20_POLY1305", "AEAD", 256, StrengthStrong, nil},
		{0x008A, "PSK", "PSK", "RC4_128", "SHA", 128, StrengthInsecure, []string{WeakRC4, WeakNoPFS}},
		{0xC01E, "SRP", "RSA", "AES_128_CBC", "SHA", 128, StrengthMedium, []string{WeakCBCSHA1, WeakNoPFS}},
		{0x1305, "(EC)DHE", "", "AES_128_CCM_8", "AEAD", 128, StrengthStrong, nil},
		{0x0064, "RSA", "RSA", "RC4_56", "SHA", 56, StrengthInsecure, []string{WeakExport, WeakRC4, WeakNoPFS}},
	}
	for _, tt := range tests {
		c := cipherFact(tt.id)
		if c.Kex != tt.kex || c.Auth != tt.auth || c.Cipher != tt.cipher || c.MAC != tt.mac || c.Bits != tt.bits ||
			c.Strength != tt.strength || !slices.Equal(c.Weak, tt.weak) {
			t.Errorf("%s: %+v", c.Name, c)
		}
	}
	// Every registered suite gets a cipher and a strength, and the TLS 1.2-only
	// split leaves enough for the older versions.
	for _, s := range legacyIANASuites {
		if d := DescribeSuite(s.name); d.Cipher == "" || d.Strength == "" {
			t.Errorf("%s: %+v", s.name, d)
		}
	}
	if n := len(suitesForVersion(versionTLS10)); n < 100 || n >= len(legacyIANASuites) {
		t.Errorf("%d suites offered at TLS 1.0", n)
	}
	if unknownName := CipherName(0xFAFA); unknownName != "0xFAFA" {
		t.Errorf("unregistered id named %q", unknownName)
	}
}

func FuzzParseFlight(f *testing.F) {
	sh := serverHelloExt(versionTLS12, 0xC02F, nil, appendExt(nil, extRenegotiationInfo, []byte{0}))
	f.Add(record(recordHandshake, slices.Concat(sh, certMsg([]byte("x")), handshakeMsg(14, nil))), true)
	f.Add(record(recordAlert, []byte{2, 70}), false)
	for _, n := range []string{"openssl3_tls12_ecdhe_flight.bin", "openssl3_tls10_alert.bin", "openssl3_tls13_hrr.bin"} {
		f.Add(testfile.Testdata(f, "tls", "flights", n), true)
	}
	f.Add(record(recordHandshake, serverHelloExt(versionTLS12, 0x1301, hrrRandom, appendExt(nil, extSupportedVersions, []byte{3, 4}))), false)
	f.Fuzz(func(t *testing.T, data []byte, wantCert bool) {
		fl, complete, err := ParseFlight(data, wantCert)
		if err != nil && complete {
			t.Fatal("complete with error")
		}
		if fl.Alert && fl.ServerHello {
			t.Fatal("alert and hello at once")
		}
		if complete && !fl.Alert && !fl.ServerHello {
			t.Fatal("complete without an answer")
		}
	})
}

func FuzzDescribeSuite(f *testing.F) {
	for _, s := range legacyIANASuites[:20] {
		f.Add(s.name)
	}
	f.Add("TLS_AES_128_GCM_SHA256")
	f.Fuzz(func(t *testing.T, name string) {
		d := DescribeSuite(name)
		if d.Strength == "" {
			t.Fatalf("%q: no strength", name)
		}
	})
}

// TestParseCapturedFlights reads what OpenSSL 3 really sent.
func TestParseCapturedFlights(t *testing.T) {
	f, complete, err := ParseFlight(testfile.Testdata(t, "tls", "flights", "openssl3_tls12_ecdhe_flight.bin"), true)
	if err != nil || !complete || f.Version != versionTLS12 || f.Suite != 0xC02F || !f.SecureRenegotiation || len(f.Certificates) != 1 {
		t.Fatalf("tls1.2 flight: %+v complete %v err %v", f, complete, err)
	}
	if c, err := ParseCertificate(f.Certificates[0], fixtureNow); err != nil || c.SubjectCN != "t" || c.KeyBits != 2048 {
		t.Errorf("certificate %+v %v", c, err)
	}
	f, complete, err = ParseFlight(testfile.Testdata(t, "tls", "flights", "openssl3_tls10_alert.bin"), false)
	if err != nil || !complete || !f.Alert || f.AlertDesc != 40 {
		t.Errorf("alert: %+v %v %v", f, complete, err)
	}
	f, complete, err = ParseFlight(testfile.Testdata(t, "tls", "flights", "openssl3_tls13_hrr.bin"), false)
	if err != nil || !complete || !f.HRR || f.Group != GroupSecp384r1 || f.Version != versionTLS13 || f.Suite != 0x1301 {
		t.Errorf("hrr: %+v %v %v", f, complete, err)
	}
}
