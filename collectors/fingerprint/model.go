package fingerprint

import (
	"regexp"
	"strings"
)

var (
	// A brand in front of the model: devices repeat it ("Samsung Samsung
	// SCX-470x"), Canon writes "Canon Inc.,".
	reBrandPrefix = regexp.MustCompile(`(?i)^(?:Canon(?: Inc\.?,?)?|HP|Hewlett[- ]Packard|Samsung|RICOH|SAVIN|LANIER|NRG|Gestetner|NASHUATEC|Rex-Rotary|FUJI XEROX|FUJIFILM(?: Business Innovation)?|Xerox|KONICA MINOLTA|Develop|KYOCERA(?: MITA| Document Solutions)?|UTAX(?:_TA)?|TA Triumph-Adler|Triumph-Adler|Brother|Lexmark|SHARP|EPSON|OKI(?: DATA)?|TOSHIBA(?: TEC)?|Dell)\s+`)
	// Suffixes that name a driver, a region or the marketing series, not
	// the model: "(FAX)", "(UFRII LT)", "Series", Canon's "/P" and EEPROM.
	reModelSuffix = regexp.MustCompile(`(?i)(?:\s+/P|\s+EEPROM\s+\S+|\s*\([^()]*\)|\s+series)$`)
)

// NormaliseModel writes a model the way its vendor names it: no brand in
// front, no "Series", driver or "(FAX)" suffix, single spaces.
func NormaliseModel(model string) string {
	m := strings.Join(strings.Fields(model), " ")
	for range 3 {
		n := reBrandPrefix.ReplaceAllString(m, "")
		if n == "" || n == m {
			break
		}
		m = n
	}
	for range 4 {
		n := strings.TrimSpace(reModelSuffix.ReplaceAllString(m, ""))
		if n == "" || n == m {
			break
		}
		m = n
	}
	return m
}
