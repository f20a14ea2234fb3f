package reports

import "strconv"

// The device parts of the HTML report (matrix row, device section) are
// rendered by hand rather than by html/template: with a fleet of thousands
// the template's reflection and per-action escaper calls were a quarter of
// an eval's CPU. The output is the one html/template gave for the same
// markup (testdata/html_device.tmpl keeps that markup, and the tests and
// FuzzHTMLDevice compare both renderings byte for byte), so every device
// string goes through one of the two escapers below, chosen by the context
// the markup puts it in: element text or a quoted attribute value
// (appendHTMLText), or a link's URL attribute (appendHTMLURL).

// htmlTextEscapes is what html/template's text and quoted-attribute escaper
// replaces; everything else, invalid UTF-8 included, is copied.
var htmlTextEscapes = [256]string{
	0:    "\uFFFD",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'>':  "&gt;",
}

// appendHTMLText appends s escaped for element text or a quoted attribute.
func appendHTMLText(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		if r := htmlTextEscapes[s[i]]; r != "" {
			b = append(b, s[start:i]...)
			b = append(b, r...)
			start = i + 1
		}
	}
	return append(b, s[start:]...)
}

// appendHTMLURL appends an https:// link (the markup checks the scheme
// first) for a quoted href: bytes that are neither unreserved nor reserved in
// RFC 3986 are percent-encoded (an existing %XX escape is kept), and the
// two URL characters that still mean something in HTML are escaped as in
// text. Quotes and angle brackets are thereby always percent-encoded.
func appendHTMLURL(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '&':
			b = append(b, "&amp;"...)
		case c == '+':
			b = append(b, "&#43;"...)
		case urlKeeps(c):
			b = append(b, c)
		case c == '%' && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]):
			b = append(b, c)
		default:
			b = append(b, '%', hex[c>>4], hex[c&0xf])
		}
	}
	return b
}

// urlKeeps reports whether c stays as is in a normalised URL: letters,
// digits, the unreserved marks and the reserved characters other than the
// quote and parentheses (which could end a quoted attribute or CSS url()).
func urlKeeps(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '-', '.', '_', '~', '!', '#', '$', '*', ',', '/', ':', ';', '=', '?', '@', '[', ']':
		return true
	}
	return false
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// htmlBuf accumulates one device's markup.
type htmlBuf struct{ b []byte }

func (h *htmlBuf) raw(s string)  { h.b = append(h.b, s...) }
func (h *htmlBuf) text(s string) { h.b = appendHTMLText(h.b, s) }
func (h *htmlBuf) url(s string)  { h.b = appendHTMLURL(h.b, s) }
func (h *htmlBuf) int(n int)     { h.b = strconv.AppendInt(h.b, int64(n), 10) }

// bool prints as the template printed a bool: true or false.
func (h *htmlBuf) bool(v bool) { h.b = strconv.AppendBool(h.b, v) }
