// Package ipp asks a device's IPP service for its printer attributes
// (Get-Printer-Attributes only: never a job) and records make and model,
// firmware and the security the printer URIs advertise.
package ipp

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/OpenPrinting/goipp"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/devid"
)

// MaxBody caps an IPP response read. Printer attributes fit in a few KiB;
// a full dump of a busy printer stays well below this.
const MaxBody = 1 << 20

const (
	maxValues   = 16
	maxValueLen = 256
)

// RequestedAttributes are the printer attributes asked for.
var RequestedAttributes = []string{
	"printer-make-and-model",
	"printer-firmware-name",
	"printer-firmware-string-version",
	"printer-firmware-version",
	"uri-security-supported",
	"uri-authentication-supported",
	"printer-uri-supported",
	"printer-info",
	"printer-device-id",
}

// ErrIPPStatus is returned when the printer answers with an error status.
var ErrIPPStatus = errors.New("ipp error status")

// BuildRequest encodes a Get-Printer-Attributes request for printerURI.
func BuildRequest(printerURI string) ([]byte, error) {
	m := goipp.NewRequest(goipp.DefaultVersion, goipp.OpGetPrinterAttributes, 1)
	m.Operation.Add(goipp.MakeAttribute("attributes-charset", goipp.TagCharset, goipp.String("utf-8")))
	m.Operation.Add(goipp.MakeAttribute("attributes-natural-language", goipp.TagLanguage, goipp.String("en-us")))
	m.Operation.Add(goipp.MakeAttribute("printer-uri", goipp.TagURI, goipp.String(printerURI)))
	req := goipp.MakeAttribute("requested-attributes", goipp.TagKeyword, goipp.String(RequestedAttributes[0]))
	for _, a := range RequestedAttributes[1:] {
		req.Values.Add(goipp.TagKeyword, goipp.String(a))
	}
	m.Operation.Add(req)
	b, err := m.EncodeBytes()
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	return b, nil
}

// Attributes is what ParseAttributes reads beyond facts.IPPService: the
// identity-bearing strings used for hints.
type Attributes struct {
	Service  facts.IPPService
	Info     string
	DeviceID string
	URIs     []string
}

// ParseAttributes decodes a Get-Printer-Attributes response into the IPP
// service facts (Port, TLS and Status are the caller's).
func ParseAttributes(body []byte) (facts.IPPService, error) {
	a, err := Parse(body)
	return a.Service, err
}

// Parse decodes a Get-Printer-Attributes response.
func Parse(body []byte) (Attributes, error) {
	if len(body) > MaxBody {
		return Attributes{}, fmt.Errorf("parse ipp response: %d bytes exceeds %d", len(body), MaxBody)
	}
	var m goipp.Message
	if err := m.DecodeBytesEx(body, goipp.DecoderOptions{EnableWorkarounds: true}); err != nil {
		return Attributes{}, fmt.Errorf("parse ipp response: %w", err)
	}
	if st := goipp.Status(m.Code); st >= 0x0400 {
		return Attributes{}, fmt.Errorf("parse ipp response: %s: %w", st, ErrIPPStatus)
	}
	var out Attributes
	var binVersion []string
	for _, attr := range m.Printer {
		vals := values(attr)
		switch attr.Name {
		case "printer-make-and-model":
			out.Service.MakeAndModel = first(vals)
		case "printer-firmware-name":
			out.Service.FirmwareName = vals
		case "printer-firmware-string-version":
			out.Service.FirmwareVersion = vals
		case "printer-firmware-version":
			binVersion = vals
		case "uri-security-supported":
			out.Service.URISecuritySupported = vals
		case "uri-authentication-supported":
			out.Service.URIAuthenticationSupport = vals
		case "printer-uri-supported":
			out.URIs = vals
		case "printer-info":
			out.Info = first(vals)
		case "printer-device-id":
			out.DeviceID = first(vals)
		}
	}
	if len(out.Service.FirmwareVersion) == 0 {
		out.Service.FirmwareVersion = binVersion
	}
	return out, nil
}

// values returns an attribute's values as sanitised strings. Binary
// octetString values (printer-firmware-version) are shown as hex dotted
// bytes, since they are version numbers, not text.
func values(attr goipp.Attribute) []string {
	var out []string
	for i, v := range attr.Values {
		if i == maxValues {
			break
		}
		var s string
		if b, ok := v.V.(goipp.Binary); ok {
			s = dotted(b)
		} else {
			s = Sanitize(v.V.String(), maxValueLen)
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func dotted(b []byte) string {
	if len(b) > 16 {
		b = b[:16]
	}
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprint(c)
	}
	return strings.Join(parts, ".")
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// Sanitize keeps device text printable: valid UTF-8, no control or format
// characters, at most limit runes.
func Sanitize(s string, limit int) string {
	var b strings.Builder
	n := 0
	for len(s) > 0 && n < limit {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		if (r == utf8.RuneError && size <= 1) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}

// knownVendors maps the first word of printer-make-and-model to a vendor.
var knownVendors = map[string]string{
	"canon": "Canon", "hp": "HP", "xerox": "Xerox", "ricoh": "Ricoh", "kyocera": "Kyocera",
	"brother": "Brother", "epson": "Epson", "konica": "Konica Minolta", "sharp": "Sharp",
	"lexmark": "Lexmark", "toshiba": "Toshiba", "oki": "OKI", "samsung": "Samsung",
}

// SplitMakeModel splits "Canon iR-ADV C5535 III" into vendor and model; the
// vendor is "" when the first word is not a known printer maker.
func SplitMakeModel(mm string) (vendor, model string) {
	word, rest, _ := strings.Cut(strings.TrimSpace(mm), " ")
	if v, ok := knownVendors[strings.ToLower(word)]; ok {
		return v, strings.TrimSpace(rest)
	}
	return "", strings.TrimSpace(mm)
}

// firmwareSkip are printer-firmware-name labels of parts other than the
// device's own firmware: a protocol stack, a page description language, a
// network card or an engine. A Canon printer lists its "IPP" version beside
// the device firmware; taking that one would hide the real version.
var firmwareSkip = []string{"ipp", "airprint", "mopria", "pcl", "postscript", "ps", "pdf", "xps", "ufr", "lips",
	"network", "nic", "lan", "wlan", "wi-fi", "wifi", "boot", "engine", "scanner", "fax", "panel", "ui", "font", "language"}

// firmwarePrefer are labels that name the device firmware itself.
var firmwarePrefer = []string{"firmware", "system", "controller", "device", "main", "printer", "fw"}

// FirmwareEntry picks the device firmware from the printer-firmware-name /
// printer-firmware-string-version pairs by its label: a label naming the
// device wins, then the first label not naming another part. Unlabelled
// single versions are taken as they are. ok is false when every entry names
// another part.
func FirmwareEntry(names, versions []string) (version, label string, ok bool) {
	if len(versions) == 0 {
		return "", "", false
	}
	if len(names) == 0 {
		return versions[0], "", versions[0] != ""
	}
	fallback := -1
	for i, v := range versions {
		if i >= len(names) || strings.TrimSpace(v) == "" {
			continue
		}
		n := strings.ToLower(strings.TrimSpace(names[i]))
		if labelHas(n, firmwarePrefer) && !labelHas(n, firmwareSkip) {
			return v, names[i], true
		}
		if fallback < 0 && !labelHas(n, firmwareSkip) {
			fallback = i
		}
	}
	if fallback >= 0 {
		return versions[fallback], names[fallback], true
	}
	return "", "", false
}

// labelHas reports whether one of words is a word of label.
func labelHas(label string, words []string) bool {
	fields := strings.FieldsFunc(label, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-')
	})
	for _, f := range fields {
		for _, w := range words {
			if f == w {
				return true
			}
		}
	}
	return false
}

// FirmwareOf picks the device firmware an IPP response states and says
// where it came from: the labelled printer-firmware-string-version entry
// (FirmwareEntry), else the VER (Canon, Epson) or FWVER (HP) key of
// printer-device-id. A printer whose only firmware entry is its "IPP"
// version (Canon inkjets) still names its firmware in the device ID.
func FirmwareOf(a Attributes) (version, where string, ok bool) {
	if v, label, ok := FirmwareEntry(a.Service.FirmwareName, a.Service.FirmwareVersion); ok {
		where = "printer-firmware-string-version"
		if label != "" {
			where += " (" + label + ")"
		}
		return v, where, true
	}
	for _, key := range []string{"VER", "FWVER"} {
		if v := devid.Field(a.DeviceID, key); v != "" {
			return v, "printer-device-id " + key, true
		}
	}
	return "", "", false
}
