// Package httpui collects facts about HTTP and HTTPS ports, with a focus on
// the Canon Remote UI: server markers, page title, login mode, redirect to
// HTTPS, HSTS and pages reachable without a session.
package httpui

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mfpscan/mfpscan/facts"
)

// Page is one HTTP response as the classifiers see it. Body is already
// capped by the caller.
type Page struct {
	StatusCode int
	Header     http.Header
	Title      string
	Body       []byte
}

const (
	maxTitleLen = 200
	// maxScan bounds how much of a body the classifiers look at, so a
	// pathological page costs the same as a normal one.
	maxScan = 256 << 10
)

var (
	titleRe = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title`)
	// titleOpenRe catches an unterminated title (a truncated body).
	titleOpenRe       = regexp.MustCompile(`(?is)<title[^>]*>(.*)`)
	passwordRe        = regexp.MustCompile(`(?i)type\s*=\s*["']?password`)
	deptIDRe          = regexp.MustCompile(`(?i)name\s*=\s*["']?deptid\b`)
	userFieldRe       = regexp.MustCompile(`(?i)name\s*=\s*["']?(user_?name|user_?id|login_?name|login_?id|uname|j_username|usr)["'\s>/]`)
	userTypeGenericRe = regexp.MustCompile(`(?i)name\s*=\s*["']?user_type_generic\b`)
	checkLoginRe      = regexp.MustCompile(`(?i)/checklogin\.cgi|name\s*=\s*["']?i0016\b|name\s*=\s*["']?i0012\b`)
	otpRe             = regexp.MustCompile(`(?i)one[\s-]?time[\s-]?password|verification\s+code|authentication\s+code|name\s*=\s*["']?(otp|totp|one_?time_?password)\b`)
	userNameLabelRe   = regexp.MustCompile(`(?i)>\s*user\s*name\s*:?\s*<`)
	// The guide's login screens 2 and 4 (key point 6): the MF/LBP form
	// offers a "General User Mode" beside the System Manager mode, closed
	// only by a "Remote UI Access PIN" field; the iR-ADV form has a
	// "General User Login" button that needs no ID or PIN.
	generalUserModeRe   = regexp.MustCompile(`(?i)general\s*user\s*mode`)
	remoteUIAccessPINRe = regexp.MustCompile(`(?i)>\s*remote\s*ui\s*access\s*pin\s*:?\s*<`)
	generalUserLoginRe  = regexp.MustCompile(`(?i)general\s*user\s*login|general\s*users\s*can\s*log\s*in\s*without`)
	portalTitleRe       = regexp.MustCompile(`(?i)remote\s*ui\s*:\s*portal|remote\s*ui\s*\(top\s*page\)|remote\s*ui\s*<top\s*page>`)
	logOutRe            = regexp.MustCompile(`(?i)>\s*log\s*out\s*<|writeln\('log out`)
	// titleModelRe is the "Remote UI: X: Y: model" title shape many Canon
	// devices use.
	titleModelRe = regexp.MustCompile(`^[^:]+:[^:]+:[^:]+:\s*(.+)$`)
)

// ParseTitle returns the page title: entities decoded, whitespace collapsed,
// invalid UTF-8 and control characters removed, at most maxTitleLen runes.
func ParseTitle(body []byte) string {
	if len(body) > maxScan {
		body = body[:maxScan]
	}
	m := titleRe.FindSubmatch(body)
	if m == nil {
		m = titleOpenRe.FindSubmatch(body)
		if m == nil {
			return ""
		}
	}
	raw := m[1]
	if len(raw) > 4*maxTitleLen {
		raw = raw[:4*maxTitleLen]
	}
	return Sanitize(html.UnescapeString(string(raw)), maxTitleLen)
}

// Sanitize makes a device-supplied string safe to store: valid UTF-8, no
// control characters, whitespace runs collapsed to one space, trimmed and cut
// to at most limit runes.
func Sanitize(s string, limit int) string {
	var b strings.Builder
	space := false
	n := 0
	for len(s) > 0 && n < limit {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		switch {
		case r == utf8.RuneError && size <= 1:
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Cf, r):
			continue
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
			if n >= limit {
				break
			}
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// ClassifyLogin tells which login a Remote UI page asks for. markers name the
// evidence found (no page content).
func ClassifyLogin(page Page) (mode string, otp bool, markers []string) {
	body := page.Body
	if len(body) > maxScan {
		body = body[:maxScan]
	}
	title := page.Title
	if title == "" {
		title = ParseTitle(body)
	}
	hasPassword := passwordRe.Match(body)
	otp = otpRe.Match(body)
	if otp {
		markers = append(markers, "otp_field")
	}
	// iR-ADV Gen3/DX login forms carry a hidden user_type_generic field:
	// the credentials check then posts the general-user form, not a user
	// name (collectors/creds reads this marker).
	if userTypeGenericRe.Match(body) {
		markers = append(markers, "user_type_generic")
	}
	switch {
	case checkLoginRe.Match(body):
		return classifyCheckLogin(body, otp, append(markers, "checklogin_form"))
	case deptIDRe.Match(body) && hasPassword:
		if userNameLabelRe.Match(body) {
			// iR-ADV Gen3/DX user authentication reuses the deptid field
			// for a user name; Department ID and System Manager ID forms
			// label it as an ID.
			return facts.LoginModeUserPassword, otp, append(markers, "deptid_form", "user_name_label")
		}
		if generalUserLoginRe.Match(body) {
			// The ID and PIN guard the administrator only: anyone may
			// press "General User Login".
			return facts.LoginModeGeneralNoPassword, otp, append(markers, "deptid_form", "general_user_login")
		}
		return facts.LoginModeDepartmentID, otp, append(markers, "deptid_form")
	case userFieldRe.Match(body) && hasPassword:
		return facts.LoginModeUserPassword, otp, append(markers, "user_password_form")
	case userFieldRe.Match(body):
		return facts.LoginModeGeneralNoPassword, otp, append(markers, "user_name_only_form")
	case page.StatusCode == http.StatusUnauthorized && page.Header.Get("WWW-Authenticate") != "":
		return facts.LoginModeUserPassword, otp, append(markers, "http_auth")
	case otp:
		return facts.LoginModeUnknown, otp, markers
	case !hasPassword && portalTitleRe.MatchString(title):
		return facts.LoginModeNone, otp, append(markers, "portal_title")
	case !hasPassword && logOutRe.Match(body):
		return facts.LoginModeNone, otp, append(markers, "log_out_link")
	}
	return facts.LoginModeUnknown, otp, markers
}

// classifyCheckLogin reads the MF/LBP /checkLogin.cgi form. Its System
// Manager PIN protects the administrator only: when the form also offers
// General User Mode, general users get in with no password unless a Remote
// UI Access PIN is asked for.
func classifyCheckLogin(body []byte, otp bool, markers []string) (string, bool, []string) {
	if !generalUserModeRe.Match(body) {
		return facts.LoginModeSystemManager, otp, markers
	}
	markers = append(markers, "general_user_mode")
	if remoteUIAccessPINRe.Match(body) {
		return facts.LoginModeSystemManager, otp, append(markers, "remote_ui_access_pin")
	}
	return facts.LoginModeGeneralNoPassword, otp, markers
}

// IsLoginPage reports whether page asks for credentials, so a well-known
// page answering 200 with a login form is not counted as open.
func IsLoginPage(page Page) bool {
	mode, otp, _ := ClassifyLogin(page)
	if otp || passwordRe.Match(capped(page.Body)) {
		return true
	}
	switch mode {
	case facts.LoginModeNone, facts.LoginModeUnknown:
		return false
	}
	return true
}

func capped(b []byte) []byte {
	if len(b) > maxScan {
		return b[:maxScan]
	}
	return b
}

type marker struct {
	name   string
	strong bool // enough on its own to call the page a Canon Remote UI
	match  func(server, title, body string) bool
}

func contains(sub string) func(string, string, string) bool {
	return func(_, _, body string) bool { return strings.Contains(body, sub) }
}

// canonMarkers are the Remote UI fingerprints of reference §3, matched on
// lower-cased server, title and body.
var canonMarkers = []marker{
	{"server_catwalk", true, func(s, _, _ string) bool { return strings.HasPrefix(s, "catwalk") }},
	{"server_canon_http", true, func(s, _, _ string) bool {
		return strings.HasPrefix(s, "canon http server")
	}},
	{"server_ks_http", true, func(s, _, _ string) bool { return strings.HasPrefix(s, "ks_http") }},
	{"server_lpc_http", false, func(s, _, _ string) bool { return strings.HasPrefix(s, "lpc http server") }},
	{"server_ows", false, func(s, _, _ string) bool { return strings.HasPrefix(s, "ows/") }},
	{"title_remote_ui", true, func(_, t, _ string) bool { return strings.HasPrefix(t, "remote ui") }},
	{"title_network_configuration", true, func(_, t, _ string) bool {
		return strings.HasPrefix(t, "canon ") && strings.Contains(t, "network configuration")
	}},
	{"body_meap_service", true, contains("com.canon.meap.service")},
	{"body_copyright_canon", true, contains(">copyright canon inc")},
	{"path_checklogin", true, contains("/checklogin.cgi")},
	{"path_rps", false, contains("/rps/")},
	{"path_portal_top", true, contains("/portal_top.html")},
	{"path_top_html", false, contains("url=/_top.html")},
	{"path_cab_top", true, contains("/cab/top.shtml")},
	{"canon_logo", false, contains("canonlogo.gif")},
}

// CanonMarkers returns the Canon Remote UI markers page matches and whether
// they suffice to call it a Canon Remote UI.
func CanonMarkers(page Page) (canon bool, markers []string) {
	server := strings.ToLower(page.Header.Get("Server"))
	title := strings.ToLower(page.Title)
	body := strings.ToLower(string(capped(page.Body)))
	weak := 0
	for _, m := range canonMarkers {
		if m.match(server, title, body) {
			markers = append(markers, m.name)
			if m.strong {
				canon = true
			} else {
				weak++
			}
		}
	}
	// Two weak markers together (e.g. /rps/ links and the Canon logo) are
	// as good as a strong one.
	return canon || weak >= 2, markers
}

// ModelFromTitle extracts the model from a "Remote UI: Login: MF632C/634C:
// MF632C/634C" style title; "" when the title does not have that shape.
func ModelFromTitle(title string) string {
	m := titleModelRe.FindStringSubmatch(title)
	if m == nil || !strings.HasPrefix(strings.ToLower(title), "remote ui") {
		return ""
	}
	return Sanitize(m[1], 80)
}

// ParseDAV reports whether a DAV response header announces WebDAV: a list
// of compliance classes (RFC 4918 §10.1) of which "1" is mandatory for any
// WebDAV resource. Servers that echo an empty or unrelated value do not
// count.
func ParseDAV(h string) bool {
	for _, f := range strings.Split(h, ",") {
		if strings.TrimSpace(f) == "1" {
			return true
		}
	}
	return false
}

// reDeviceFirmware reads the firmware row of a Canon MF/LBP Remote UI
// device-information table: a "Firmware Version" (or "Controller
// Version") header cell, then the value cell. The layout is the one
// Greenbone's "Canon Printer Detection (HTTP)" VT matches
// (OID 1.3.6.1.4.1.25623.1.0.803719); the page path varies by model.
var reDeviceFirmware = regexp.MustCompile(`(?is)(?:Firmware|Controller)\s+Version\s*:?\s*</t[hd]>\s*<td[^>]*>\s*(?:<[^>]+>\s*)*([A-Za-z]?[0-9]{1,3}(?:\.[0-9]{1,4}){1,3})\s*<`)

// DeviceFirmware returns the firmware version a device-information page
// shows, or "".
func DeviceFirmware(body []byte) string {
	m := reDeviceFirmware.FindSubmatch(capped(body))
	if m == nil {
		return ""
	}
	return string(m[1])
}
