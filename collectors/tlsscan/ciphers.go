package tlsscan

import (
	"crypto/tls"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mfpscan/mfpscan/facts"
)

// Weakness names used in facts.Cipher.Weak.
const (
	WeakNull    = "null"
	WeakExport  = "export"
	WeakRC4     = "rc4"
	Weak3DES    = "3des"
	WeakCBCSHA1 = "cbc_sha1"
	WeakNoPFS   = "no_pfs"
)

// CipherName returns the IANA name of a suite, or its hex ID when unknown.
func CipherName(id uint16) string {
	name := tls.CipherSuiteName(id)
	if strings.HasPrefix(name, "0x") {
		if n, ok := legacySuites[id]; ok {
			return n
		}
	}
	return name
}

// legacySuites names suites crypto/tls does not implement (SSLv3-era, DHE,
// CAMELLIA, ...), which the raw-hello probes offer.
var legacySuites = map[uint16]string{
	0x0001: "TLS_RSA_WITH_NULL_MD5",
	0x0002: "TLS_RSA_WITH_NULL_SHA",
	0x0003: "TLS_RSA_EXPORT_WITH_RC4_40_MD5",
	0x0004: "TLS_RSA_WITH_RC4_128_MD5",
	0x0006: "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5",
	0x0008: "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA",
	0x0009: "TLS_RSA_WITH_DES_CBC_SHA",
	0x0016: "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",
	0x0033: "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
	0x0039: "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
	0x0007: "TLS_RSA_WITH_IDEA_CBC_SHA",
	0x0013: "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
	0x0032: "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
	0x0038: "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
	0x0041: "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA",
	0x0045: "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA",
	0x0067: "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",
	0x006B: "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
	0x0084: "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA",
	0x0088: "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA",
	0x0096: "TLS_RSA_WITH_SEED_CBC_SHA",
	0x009E: "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
	0x009F: "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
}

// CipherWeaknesses classifies a suite by its IANA name. TLS 1.3 suites
// (TLS_AES_*, TLS_CHACHA20_*) always have forward secrecy.
func CipherWeaknesses(name string) []string {
	n := strings.ToUpper(name)
	var out []string
	if strings.Contains(n, "_NULL_") || strings.HasSuffix(n, "_NULL") {
		out = append(out, WeakNull)
	}
	if strings.Contains(n, "EXPORT") {
		out = append(out, WeakExport)
	}
	if strings.Contains(n, "_RC4_") {
		out = append(out, WeakRC4)
	}
	if strings.Contains(n, "3DES") {
		out = append(out, Weak3DES)
	}
	if strings.Contains(n, "_CBC_") && strings.HasSuffix(n, "_SHA") {
		out = append(out, WeakCBCSHA1)
	}
	if !strings.HasPrefix(n, "TLS_") || !isTLS13Suite(n) && !strings.Contains(n, "_DHE_") && !strings.Contains(n, "_ECDHE_") {
		out = append(out, WeakNoPFS)
	}
	return out
}

func isTLS13Suite(n string) bool {
	return !strings.Contains(n, "_WITH_")
}

func cipherFact(id uint16) facts.Cipher {
	name := CipherName(id)
	return facts.Cipher{Name: name, ID: id, Weak: CipherWeaknesses(name)}
}

// suitesFor lists every suite crypto/tls implements for version, insecure
// ones included: to find what a server accepts we must offer it all.
func suitesFor(version uint16) []uint16 {
	var out []uint16
	for _, list := range [][]*tls.CipherSuite{tls.CipherSuites(), tls.InsecureCipherSuites()} {
		for _, s := range list {
			for _, v := range s.SupportedVersions {
				if v == version {
					out = append(out, s.ID)
					break
				}
			}
		}
	}
	return out
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
