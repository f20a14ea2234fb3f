package tlsscan

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mfpscan/mfpscan/facts"
)

// Weakness names used in facts.Cipher.Weak.
const (
	WeakNull    = "null"
	WeakAnon    = "anon"
	WeakExport  = "export"
	WeakRC4     = "rc4"
	WeakRC2     = "rc2"
	WeakDES     = "des"
	Weak3DES    = "3des"
	WeakIDEA    = "idea"
	WeakCBCSHA1 = "cbc_sha1"
	WeakNoPFS   = "no_pfs"
)

// Strength classes of facts.Cipher.Strength, weakest first.
const (
	// StrengthInsecure: no encryption or authentication, or a cipher broken
	// in practice (NULL, anonymous, export, RC4, RC2, single DES).
	StrengthInsecure = "insecure"
	// StrengthWeak: 64-bit block ciphers (3DES, IDEA; Sweet32).
	StrengthWeak = "weak"
	// StrengthMedium: sound cipher, but CBC with a SHA-1 or MD5 MAC, or no
	// forward secrecy.
	StrengthMedium = "medium"
	// StrengthStrong: forward secrecy with an AEAD or SHA-2 MAC.
	StrengthStrong = "strong"
)

type suiteName struct {
	id   uint16
	name string
}

// tls13Suites are the five TLS 1.3 suites (RFC 8446, B.4).
var tls13Suites = []suiteName{
	{0x1301, "TLS_AES_128_GCM_SHA256"},
	{0x1302, "TLS_AES_256_GCM_SHA384"},
	{0x1303, "TLS_CHACHA20_POLY1305_SHA256"},
	{0x1304, "TLS_AES_128_CCM_SHA256"},
	{0x1305, "TLS_AES_128_CCM_8_SHA256"},
}

var suiteNames = func() map[uint16]string {
	m := make(map[uint16]string, len(legacyIANASuites)+len(tls13Suites))
	for _, s := range legacyIANASuites {
		m[s.id] = s.name
	}
	for _, s := range tls13Suites {
		m[s.id] = s.name
	}
	return m
}()

// CipherName returns the IANA name of a suite, or its hex ID when unknown.
func CipherName(id uint16) string {
	if n, ok := suiteNames[id]; ok {
		return n
	}
	return fmt.Sprintf("0x%04X", id)
}

// Suite is what an IANA suite name says about its parts.
type Suite struct {
	Kex, Auth, Cipher, MAC string
	Bits                   int
	Weak                   []string
	Strength               string
}

// DescribeSuite splits an IANA suite name into key exchange, authentication,
// bulk cipher, MAC and key bits, and classifies it. TLS 1.3 names
// (TLS_AES_128_GCM_SHA256) have no key exchange part: it is always
// ephemeral.
func DescribeSuite(name string) Suite {
	n := strings.ToUpper(name)
	n = strings.TrimPrefix(n, "TLS_")
	n = strings.TrimPrefix(n, "SSL_")
	var s Suite
	kx, rest, found := strings.Cut(n, "_WITH_")
	if !found {
		s.Kex, s.Auth, rest = "(EC)DHE", "", n // TLS 1.3: key exchange by key_share
	} else {
		s.Kex, s.Auth = splitKex(kx)
	}
	s.Cipher, s.MAC = splitCipher(rest)
	s.Bits = cipherBits(s.Cipher, strings.Contains(kx, "EXPORT"))
	export := strings.Contains(kx, "EXPORT")
	if export {
		s.Kex = strings.TrimSuffix(strings.TrimSuffix(s.Kex, "_EXPORT1024"), "_EXPORT")
	}
	add := func(w string) { s.Weak = append(s.Weak, w) }
	if s.Cipher == "NULL" {
		add(WeakNull)
	}
	if s.Auth == "anon" {
		add(WeakAnon)
	}
	if export {
		add(WeakExport)
	}
	switch {
	case strings.HasPrefix(s.Cipher, "RC4"):
		add(WeakRC4)
	case strings.HasPrefix(s.Cipher, "RC2"):
		add(WeakRC2)
	case strings.HasPrefix(s.Cipher, "3DES"):
		add(Weak3DES)
	case strings.HasPrefix(s.Cipher, "DES"):
		add(WeakDES)
	case strings.HasPrefix(s.Cipher, "IDEA"):
		add(WeakIDEA)
	}
	if strings.Contains(s.Cipher, "_CBC") && s.MAC == "SHA" {
		add(WeakCBCSHA1)
	}
	if !strings.HasSuffix(s.Kex, "DHE") && s.Kex != "ECDHE_PSK" && s.Kex != "DHE_PSK" {
		add(WeakNoPFS)
	}
	s.Strength = strengthOf(s.Weak)
	return s
}

func strengthOf(weak []string) string {
	out := StrengthStrong
	for _, w := range weak {
		switch w {
		case WeakNull, WeakAnon, WeakExport, WeakRC4, WeakRC2, WeakDES:
			return StrengthInsecure
		case Weak3DES, WeakIDEA:
			out = StrengthWeak
		case WeakCBCSHA1, WeakNoPFS:
			if out == StrengthStrong {
				out = StrengthMedium
			}
		}
	}
	return out
}

// splitKex turns "ECDHE_RSA" into ("ECDHE", "RSA"), "DH_anon" into ("DH",
// "anon"), "RSA" into ("RSA", "RSA"), "PSK" into ("PSK", "PSK").
func splitKex(kx string) (kex, auth string) {
	base := strings.TrimSuffix(strings.TrimSuffix(kx, "_EXPORT1024"), "_EXPORT")
	suffix := strings.TrimPrefix(kx, base)
	switch {
	case strings.HasSuffix(base, "_ANON"):
		return strings.TrimSuffix(base, "_ANON") + suffix, "anon"
	case strings.HasPrefix(base, "SRP_SHA"):
		a := strings.TrimPrefix(strings.TrimPrefix(base, "SRP_SHA"), "_")
		if a == "" {
			a = "SRP"
		}
		return "SRP" + suffix, a
	case strings.HasSuffix(base, "_PSK") || base == "PSK" || strings.HasPrefix(base, "PSK_"):
		return base + suffix, "PSK"
	}
	if k, a, ok := strings.Cut(base, "_"); ok {
		return k + suffix, a
	}
	return base + suffix, base
}

// splitCipher turns "AES_128_GCM_SHA256" into ("AES_128_GCM", "AEAD") and
// "AES_128_CBC_SHA" into ("AES_128_CBC", "SHA").
func splitCipher(rest string) (cipher, mac string) {
	i := strings.LastIndexByte(rest, '_')
	if i < 0 {
		return rest, ""
	}
	c, m := rest[:i], rest[i+1:]
	switch {
	case m == "MD5" || m == "SHA" || m == "SHA256" || m == "SHA384":
		if strings.Contains(c, "GCM") || strings.Contains(c, "POLY1305") || strings.Contains(c, "CCM") {
			return c, "AEAD"
		}
		return c, m
	case strings.HasPrefix(m, "8") && strings.HasSuffix(c, "CCM"): // AES_128_CCM_8
		return rest, "AEAD"
	case m == "CCM":
		return rest, "AEAD"
	}
	return rest, ""
}

func cipherBits(cipher string, export bool) int {
	switch {
	case cipher == "NULL":
		return 0
	case strings.HasPrefix(cipher, "3DES"):
		return 112
	case strings.HasPrefix(cipher, "DES40"):
		return 40
	case strings.HasPrefix(cipher, "DES"):
		if strings.HasSuffix(cipher, "_40") {
			return 40
		}
		return 56
	case strings.HasPrefix(cipher, "IDEA") || strings.HasPrefix(cipher, "SEED"):
		return 128
	case strings.HasPrefix(cipher, "CHACHA20"):
		return 256
	}
	for _, part := range strings.Split(cipher, "_") {
		if b, err := strconv.Atoi(part); err == nil {
			if export && b > 56 {
				return 40
			}
			return b
		}
	}
	return 0
}

// CipherWeaknesses classifies a suite by its IANA name.
func CipherWeaknesses(name string) []string { return DescribeSuite(name).Weak }

func cipherFact(id uint16) facts.Cipher {
	name := CipherName(id)
	d := DescribeSuite(name)
	if _, known := suiteNames[id]; !known {
		return facts.Cipher{Name: name, ID: id}
	}
	return facts.Cipher{Name: name, ID: id, Kex: d.Kex, Auth: d.Auth, Cipher: d.Cipher, MAC: d.MAC,
		Bits: d.Bits, Strength: d.Strength, Weak: d.Weak}
}

func sanitize(s string, limit int) string {
	var b strings.Builder
	for i, r := range s {
		if i >= 4*limit || b.Len() >= limit {
			break
		}
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
