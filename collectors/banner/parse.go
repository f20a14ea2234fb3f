package banner

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxRead caps what is read from any service; MaxText caps what is kept.
const (
	MaxRead = 4096
	MaxText = 1024
)

// StripTelnet removes Telnet option negotiation (IAC sequences, RFC 854)
// so only the text a user would see remains.
func StripTelnet(b []byte) []byte {
	const iac, sb, se = 0xff, 0xfa, 0xf0
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != iac {
			out = append(out, b[i])
			continue
		}
		if i+1 >= len(b) {
			break
		}
		switch c := b[i+1]; {
		case c == iac: // escaped 0xff data byte
			out = append(out, iac)
			i++
		case c == sb: // subnegotiation runs to IAC SE
			end := bytes.Index(b[i+2:], []byte{iac, se})
			if end < 0 {
				return out
			}
			i += 2 + end + 1
		case c >= 0xfb && c <= 0xfe: // WILL, WONT, DO, DONT + option
			i += 2
		default: // two-byte command
			i++
		}
	}
	return out
}

// CleanText makes device bytes safe to store: invalid UTF-8 dropped, line
// breaks normalised to "\n", other control characters removed, blank lines
// dropped, capped at MaxText bytes.
func CleanText(b []byte) string {
	if len(b) > MaxRead {
		b = b[:MaxRead]
	}
	var lines []string
	for _, raw := range strings.Split(string(b), "\n") {
		var sb strings.Builder
		for _, r := range raw {
			if r == utf8.RuneError || unicode.IsControl(r) || r == 0xFEFF {
				if r == '\t' {
					sb.WriteByte(' ')
				}
				continue
			}
			sb.WriteRune(r)
		}
		if line := strings.TrimSpace(sb.String()); line != "" {
			lines = append(lines, line)
		}
	}
	text := strings.Join(lines, "\n")
	if len(text) > MaxText {
		text = strings.ToValidUTF8(text[:MaxText], "")
	}
	return text
}

// ReplyComplete reports whether buf holds a full FTP/SMTP greeting: a last
// line "NNN text" (a space after the code ends a multi-line reply).
func ReplyComplete(buf []byte) bool {
	if !bytes.HasSuffix(buf, []byte("\n")) {
		return false
	}
	lines := bytes.Split(bytes.TrimRight(buf, "\r\n"), []byte("\n"))
	last := bytes.TrimLeft(lines[len(lines)-1], "\r")
	return len(last) >= 4 && isDigits(last[:3]) && last[3] == ' '
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// PJLComplete reports whether a PJL reply has ended (form feed).
func PJLComplete(buf []byte) bool { return bytes.IndexByte(buf, '\f') >= 0 }

// ParsePJLID extracts the device string from an "@PJL INFO ID" reply: the
// first non-empty line that is not a PJL echo or status line, unquoted.
func ParsePJLID(reply []byte) (string, bool) {
	text := CleanText(bytes.ReplaceAll(reply, []byte("\f"), []byte("\n")))
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(strings.ToUpper(l), "@PJL") {
			continue
		}
		if id := strings.TrimSpace(strings.Trim(l, `"`)); id != "" {
			return id, true
		}
	}
	return "", false
}

// Hint is an identity clue from a banner.
type Hint struct {
	Field      string
	Value      string
	Confidence string // high, medium, low
}

var (
	// "220 Canon iR-ADV C5535 FTP Print Server V1.40 ... ready."
	reCanonFTP  = regexp.MustCompile(`^220[ -]Canon (.+?) FTP Print Server V\S+`)
	reCanonSMTP = regexp.MustCompile(`^220[ -]Canon\S* ESMTP`)
	// PJL INFO ID of Canon devices: bare model strings (Greenbone's rule
	// widened with iPR and separators seen on the wire).
	reCanonPJL    = regexp.MustCompile(`^(?:Canon )?((?:MF|LBP|D|iR|iPR)[ -]?(?:ADV )?C?[0-9]\S*(?: \S+)*)$`)
	rePrinterVend = regexp.MustCompile(`(?i)\b(KONICA MINOLTA|Xerox|RICOH|KYOCERA|Brother|Lexmark|SHARP|EPSON|TOSHIBA|HP LaserJet|HP Color LaserJet|HP OfficeJet|JetDirect)\b`)
	reServerFTP   = regexp.MustCompile(`(?i)\b(vsFTPd|ProFTPD|Pure-FTPd|FileZilla Server|Microsoft FTP Service|Postfix|Exim|Sendmail|Microsoft ESMTP)\b`)
)

// Hints reads identity clues from a cleaned banner of the given service
// (ftp, smtp, telnet, pjl).
func Hints(service, text string) []Hint {
	first, _, _ := strings.Cut(text, "\n")
	switch service {
	case "ftp":
		if m := reCanonFTP.FindStringSubmatch(first); m != nil {
			return []Hint{{"vendor", "Canon", "high"}, {"model", strings.TrimSpace(m[1]), "medium"}, {"printer", "true", "high"}}
		}
	case "smtp":
		if reCanonSMTP.MatchString(first) {
			return []Hint{{"vendor", "Canon", "medium"}, {"printer", "true", "medium"}}
		}
	case "pjl":
		if m := reCanonPJL.FindStringSubmatch(text); m != nil {
			return []Hint{{"vendor", "Canon", "medium"}, {"model", m[1], "medium"}, {"printer", "true", "high"}}
		}
		// Anything that answers PJL is a printer.
		out := []Hint{{"printer", "true", "high"}}
		if v := vendorOf(text); v != "" {
			out = append(out, Hint{"vendor", v, "medium"})
		}
		return out
	}
	if v := vendorOf(first); v != "" {
		return []Hint{{"vendor", v, "medium"}, {"printer", "true", "medium"}}
	}
	if reServerFTP.MatchString(first) {
		return []Hint{{"not_printer", "true", "low"}}
	}
	return nil
}

// vendorNames spells each vendor rePrinterVend matches, in any case, as the
// facts name it; every HP product line means HP.
var vendorNames = map[string]string{
	"KONICA MINOLTA": "Konica Minolta", "XEROX": "Xerox", "RICOH": "Ricoh", "KYOCERA": "Kyocera",
	"BROTHER": "Brother", "LEXMARK": "Lexmark", "SHARP": "Sharp", "EPSON": "Epson", "TOSHIBA": "Toshiba",
	"JETDIRECT": "HP",
}

func vendorOf(s string) string {
	m := rePrinterVend.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	v := strings.ToUpper(m[1])
	if strings.HasPrefix(v, "HP") {
		return "HP"
	}
	return vendorNames[v]
}
