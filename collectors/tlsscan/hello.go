package tlsscan

import (
	"bytes"
	"encoding/binary"
	"errors"
)

// Hand-built ClientHellos and a parser of the server's first flight. Every
// question the enumeration asks ("is this suite accepted at this version?",
// "is this group?") is answered by the ServerHello alone, so no handshake is
// ever completed: that is what lets one scanner offer suites no TLS library
// still implements (export, anonymous, DES, CAMELLIA, ARIA, ...), as sslscan's
// and testssl.sh's raw checks do.

const (
	recordHandshake = 0x16
	recordAlert     = 0x15
	versionSSL3     = 0x0300
	versionTLS10    = 0x0301
	versionTLS11    = 0x0302
	versionTLS12    = 0x0303
	versionTLS13    = 0x0304
	maxRecord       = 5 + 16384 + 2048

	scsvRenegotiation = 0x00FF
	scsvFallback      = 0x5600

	alertProtocolVersion     = 70
	alertInappropriateFallbk = 86
)

// Extension numbers (IANA TLS ExtensionType Values).
const (
	extServerName        = 0
	extSupportedGroups   = 10
	extECPointFormats    = 11
	extSignatureAlgs     = 13
	extEncryptThenMAC    = 22
	extExtendedMaster    = 23
	extPadding           = 21
	extSessionTicket     = 35
	extSupportedVersions = 43
	extPSKModes          = 45
	extKeyShare          = 51
	extRenegotiationInfo = 0xFF01
)

// ErrNotSSLReply is returned for a reply that is neither a handshake nor an
// alert record.
var ErrNotSSLReply = errors.New("not an SSL/TLS record")

// hrrRandom marks a ServerHello that is a HelloRetryRequest (RFC 8446, 4.1.3).
var hrrRandom = []byte{
	0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
	0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
}

// Named groups (IANA TLS Supported Groups).
const (
	GroupSecp256r1      = 23
	GroupSecp384r1      = 24
	GroupSecp521r1      = 25
	GroupX25519         = 29
	GroupX448           = 30
	GroupFFDHE2048      = 256
	GroupFFDHE3072      = 257
	GroupFFDHE4096      = 258
	GroupFFDHE6144      = 259
	GroupFFDHE8192      = 260
	GroupX25519MLKEM768 = 0x11EC
)

// groupNames are the TLS 1.3 groups the enumeration asks about, by the names
// OpenSSL and the IANA registry use.
var groupNames = []struct {
	id   uint16
	name string
}{
	{GroupX25519, "x25519"}, {GroupSecp256r1, "secp256r1"}, {GroupSecp384r1, "secp384r1"},
	{GroupSecp521r1, "secp521r1"}, {GroupX448, "x448"},
	{GroupFFDHE2048, "ffdhe2048"}, {GroupFFDHE3072, "ffdhe3072"}, {GroupFFDHE4096, "ffdhe4096"},
	{GroupFFDHE6144, "ffdhe6144"}, {GroupFFDHE8192, "ffdhe8192"},
	{GroupX25519MLKEM768, "X25519MLKEM768"},
}

// legacyGroups go in supported_groups of TLS 1.2 and older hellos. The
// ffdhe groups are left out on purpose: an RFC 7919 server that sees them
// and has none of them must not pick a DHE suite, which would hide the DHE
// suites it serves with its own parameters.
var legacyGroups = []uint16{GroupX25519, GroupSecp256r1, GroupSecp384r1, GroupSecp521r1, GroupX448,
	22, 21, 19, 26, 27, 28}

// sigAlgs is every signature scheme a server might need, SHA-1 and DSA
// included: without them an old server assumes SHA-1 and, at OpenSSL's
// default security level, refuses DHE suites outright.
var sigAlgs = []uint16{
	0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080A, 0x080B,
	0x0401, 0x0501, 0x0601, 0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602, 0x0203, 0x0201, 0x0202,
}

// KeyShare is one key_share entry of a TLS 1.3 hello.
type KeyShare struct {
	Group uint16
	Key   []byte
}

// HelloSpec says what a ClientHello offers.
type HelloSpec struct {
	// Version is the highest version offered. TLS 1.3 is offered by the
	// supported_versions extension with a legacy version of TLS 1.2.
	Version uint16
	Suites  []uint16
	// ServerName goes into SNI when it is a DNS name.
	ServerName string
	// Groups overrides supported_groups (TLS 1.3 group probes).
	Groups    []uint16
	KeyShares []KeyShare
	// Deflate offers DEFLATE compression before null.
	Deflate bool
	// Fallback adds TLS_FALLBACK_SCSV.
	Fallback bool
}

// BuildHello returns a ClientHello record offering version and suites with
// the extensions a current client sends (none for SSL 3.0).
func BuildHello(version uint16, random [32]byte, suites []uint16) []byte {
	return BuildClientHello(HelloSpec{Version: version, Suites: suites}, random)
}

// BuildSSLv3Hello returns an SSLv3 ClientHello offering every suite SSL 3.0
// can carry.
func BuildSSLv3Hello(random [32]byte) []byte {
	return BuildHello(versionSSL3, random, suitesForVersion(versionSSL3))
}

// BuildClientHello encodes spec as one handshake record.
func BuildClientHello(spec HelloSpec, random [32]byte) []byte {
	legacy := spec.Version
	if legacy > versionTLS12 {
		legacy = versionTLS12
	}
	body := binary.BigEndian.AppendUint16(nil, legacy)
	body = append(body, random[:]...)
	if spec.Version >= versionTLS13 {
		// Middlebox compatibility mode (RFC 8446, D.4): a 32-byte session id.
		body = append(body, 32)
		body = append(body, random[:]...)
	} else {
		body = append(body, 0)
	}
	suites := spec.Suites
	if spec.Version == versionSSL3 {
		suites = append(suites[:len(suites):len(suites)], scsvRenegotiation)
	}
	if spec.Fallback {
		suites = append(suites[:len(suites):len(suites)], scsvFallback)
	}
	body = binary.BigEndian.AppendUint16(body, uint16(2*len(suites)))
	for _, s := range suites {
		body = binary.BigEndian.AppendUint16(body, s)
	}
	if spec.Deflate {
		body = append(body, 2, 1, 0)
	} else {
		body = append(body, 1, 0)
	}
	if spec.Version != versionSSL3 {
		ext := helloExtensions(spec)
		// Some stacks (F5, old printers) hang on hellos of 256 to 511 bytes;
		// pad past them as browsers do (RFC 7685).
		if n := 4 + len(body) + 2 + len(ext); n >= 256 && n < 512 {
			pad := max(512-n-4, 1)
			ext = appendExt(ext, extPadding, make([]byte, pad))
		}
		body = binary.BigEndian.AppendUint16(body, uint16(len(ext)))
		body = append(body, ext...)
	}
	hs := []byte{0x01, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}
	hs = append(hs, body...)
	recVersion := uint16(versionTLS10)
	if spec.Version == versionSSL3 {
		recVersion = versionSSL3
	}
	rec := []byte{recordHandshake, byte(recVersion >> 8), byte(recVersion), byte(len(hs) >> 8), byte(len(hs))}
	return append(rec, hs...)
}

func helloExtensions(spec HelloSpec) []byte {
	var ext []byte
	if name := sniName(spec.ServerName); name != "" {
		b := binary.BigEndian.AppendUint16(nil, uint16(len(name)+3))
		b = append(b, 0)
		b = binary.BigEndian.AppendUint16(b, uint16(len(name)))
		ext = appendExt(ext, extServerName, append(b, name...))
	}
	groups := spec.Groups
	if groups == nil {
		groups = legacyGroups
	}
	ext = appendExt(ext, extSupportedGroups, list16(groups))
	ext = appendExt(ext, extECPointFormats, []byte{3, 0, 1, 2})
	ext = appendExt(ext, extSignatureAlgs, list16(sigAlgs))
	ext = appendExt(ext, extSessionTicket, nil)
	ext = appendExt(ext, extEncryptThenMAC, nil)
	ext = appendExt(ext, extExtendedMaster, nil)
	ext = appendExt(ext, extRenegotiationInfo, []byte{0})
	if spec.Version >= versionTLS13 {
		ext = appendExt(ext, extSupportedVersions, []byte{2, 0x03, 0x04})
		ext = appendExt(ext, extPSKModes, []byte{1, 1})
		var ks []byte
		for _, k := range spec.KeyShares {
			ks = binary.BigEndian.AppendUint16(ks, k.Group)
			ks = binary.BigEndian.AppendUint16(ks, uint16(len(k.Key)))
			ks = append(ks, k.Key...)
		}
		ext = appendExt(ext, extKeyShare, append(binary.BigEndian.AppendUint16(nil, uint16(len(ks))), ks...))
	}
	return ext
}

// sniName keeps DNS names only: RFC 6066 forbids IP literals in SNI.
func sniName(name string) string {
	if name == "" || len(name) > 253 || bytes.ContainsAny([]byte(name), ":/ ") {
		return ""
	}
	digitsAndDots := true
	for _, r := range name {
		if (r < '0' || r > '9') && r != '.' {
			digitsAndDots = false
		}
	}
	if digitsAndDots {
		return ""
	}
	return name
}

func list16(v []uint16) []byte {
	b := binary.BigEndian.AppendUint16(nil, uint16(2*len(v)))
	for _, x := range v {
		b = binary.BigEndian.AppendUint16(b, x)
	}
	return b
}

func appendExt(b []byte, typ uint16, data []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, typ)
	b = binary.BigEndian.AppendUint16(b, uint16(len(data)))
	return append(b, data...)
}
