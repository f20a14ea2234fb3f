package creds

import (
	"bytes"
	"errors"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Verdict is what a login response says about the credentials sent.
type Verdict int

// Verdicts. Unknown means the response proves neither acceptance nor
// refusal (a 404, a 500, a page without login or portal markers); it is
// recorded as an error rather than guessed either way.
const (
	VerdictUnknown Verdict = iota
	VerdictAccepted
	VerdictRefused
)

func (v Verdict) String() string {
	switch v {
	case VerdictAccepted:
		return "accepted"
	case VerdictRefused:
		return "refused"
	}
	return "unknown"
}

// LoginResponse is the part of a device's answer to a login POST that the
// judge looks at. Body is already capped by the caller.
type LoginResponse struct {
	// RequestPath is the path the form was posted to, so a redirect back to
	// it reads as a refusal.
	RequestPath string
	StatusCode  int
	Location    string
	// Cookies are the names of the cookies set (values are never needed).
	Cookies []string
	Body    []byte
}

// maxJudgeScan bounds how much of a body the judge reads, so a huge page
// costs the same as a normal one.
const maxJudgeScan = 256 << 10

var (
	passwordFieldRe = regexp.MustCompile(`(?i)type\s*=\s*["']?password`)
	// logOutRe and portalRe hold the markers Canon shows after a login
	// (reference §3.2, §3.3). Only the "Log Out" link or script proves a
	// session on its own: an open portal shows its title to guests too.
	logOutRe = regexp.MustCompile(`(?i)>\s*log\s*out\s*<|writeln\('log\s*out|system(&nbsp;|\s)manager\s*</span`)
	portalRe = regexp.MustCompile(`(?i)remote\s*ui\s*:\s*portal`)
	// loginErrorRe matches the error lines Canon login pages print on a
	// refused ID or PIN.
	// otpStepRe matches the one-time-password screen (the guide's login
	// screen 5), which follows an accepted password.
	otpStepRe    = regexp.MustCompile(`(?i)enter\s+(the\s+)?one[\s-]?time\s+password|name\s*=\s*["']?(otp|totp|one_?time_?password)\b`)
	loginErrorRe = regexp.MustCompile(`(?i)(id|pin|password|user name)[^<]{0,40}(incorrect|invalid|wrong)|login\s+failed|authentication\s+failed`)
)

// sessionCookies are the cookie names Canon Remote UIs hand out on login:
// sessid (MF/LBP), sessionid and iR (iR-ADV), CookieID (older LBP).
var sessionCookies = []string{"sessid", "sessionid", "ir", "cookieid", "jsessionid"}

// JudgeLogin decides from one response whether the device accepted the
// login. The reason is built from status codes and marker names only, never
// from response content, so it can be stored and logged as it is.
func JudgeLogin(r LoginResponse) (Verdict, string) {
	body := r.Body
	if len(body) > maxJudgeScan {
		body = body[:maxJudgeScan]
	}
	switch {
	case r.StatusCode >= 300 && r.StatusCode <= 399:
		return judgeRedirect(r)
	case r.StatusCode == 401 || r.StatusCode == 403:
		return VerdictRefused, "http " + strconv.Itoa(r.StatusCode)
	case r.StatusCode == 404 || r.StatusCode == 405:
		return VerdictUnknown, "login form not found (http " + strconv.Itoa(r.StatusCode) + ")"
	case r.StatusCode < 200 || r.StatusCode > 299:
		return VerdictUnknown, "unexpected http " + strconv.Itoa(r.StatusCode)
	}
	logOut := logOutRe.Match(body)
	portal := logOut || portalRe.Match(body)
	loginForm := passwordFieldRe.Match(body)
	cookie := hasSessionCookie(r.Cookies)
	switch {
	case loginErrorRe.Match(body):
		return VerdictRefused, "login page with error message"
	case otpStepRe.Match(body) && !loginForm:
		// The first factor was accepted; the code is asked next.
		return VerdictAccepted, reasonOTPPage
	case loginForm && !portal:
		return VerdictRefused, "login page returned again"
	case portal && cookie:
		return VerdictAccepted, reasonPortal
	case logOut && !loginForm:
		return VerdictAccepted, reasonLogOut
	case portal:
		return VerdictUnknown, "portal shown without session evidence"
	}
	return VerdictUnknown, "no login or portal markers in http 200 response"
}

// Reasons JudgeLogin gives for an accepted login, which OTPStepAfterLogin
// reads.
const (
	reasonOTPRedirect = "redirect to one-time password step"
	reasonOTPPage     = "one-time password step shown"
	reasonPortal      = "session cookie and portal markers"
	reasonLogOut      = "log out marker"
)

// OTPStepAfterLogin says what an accepted user name + password login led
// to: true for the one-time-password step, false when the answer already
// is the portal of a session (the password alone was enough), nil when it
// is a redirect elsewhere, whose target may still ask for the code.
func OTPStepAfterLogin(reason string) *bool {
	switch reason {
	case reasonOTPRedirect, reasonOTPPage:
		b := true
		return &b
	case reasonPortal, reasonLogOut:
		b := false
		return &b
	}
	return nil
}

func judgeRedirect(r LoginResponse) (Verdict, string) {
	if r.Location == "" {
		return VerdictUnknown, "redirect without location"
	}
	loc, err := url.Parse(strings.TrimSpace(r.Location))
	if err != nil {
		return VerdictUnknown, "redirect with unparsable location"
	}
	p := strings.ToLower(loc.Path)
	q := strings.ToLower(loc.RawQuery)
	switch {
	case strings.Contains(p, "otp") || strings.Contains(p, "one_time") || strings.Contains(p, "twofactor"):
		// The first factor was accepted: the default password is valid
		// even though a second step follows.
		return VerdictAccepted, reasonOTPRedirect
	case isLoginPath(p, r.RequestPath) || strings.Contains(q, "error") || strings.Contains(q, "fail"):
		return VerdictRefused, "redirect back to login"
	case hasSessionCookie(r.Cookies):
		return VerdictAccepted, "redirect with session cookie"
	}
	return VerdictAccepted, "redirect away from login"
}

// isLoginPath reports whether p is a login or error page rather than a
// portal. The posted path itself counts, as does any path naming login,
// error or logout (but not checkLogin.cgi posted to elsewhere: that is a
// form target, never a redirect target).
func isLoginPath(p, requested string) bool {
	if requested != "" && strings.EqualFold(strings.TrimSuffix(p, "/"), strings.TrimSuffix(requested, "/")) {
		return true
	}
	for _, w := range []string{"login", "logon", "signin", "error", "logout", "denied"} {
		if strings.Contains(p, w) {
			return true
		}
	}
	return false
}

func hasSessionCookie(names []string) bool {
	for _, n := range names {
		for _, s := range sessionCookies {
			if strings.EqualFold(strings.TrimSpace(n), s) {
				return true
			}
		}
	}
	return false
}

// FTPReply is one complete FTP server reply (RFC 959 §4.2).
type FTPReply struct {
	Code int
	// Lines counts the lines of the reply, a multi-line reply having more
	// than one.
	Lines int
}

// FTP reply limits: a server may not make us read more than this for one
// reply, however it strings its lines.
const (
	maxFTPReplyBytes = 8 << 10
	maxFTPReplyLines = 64
)

var (
	// ErrIncomplete means the data ends before the reply does; the caller
	// should read more (up to the reply cap) and parse again.
	ErrIncomplete = errors.New("incomplete ftp reply")
	// ErrMalformed means the data is not an FTP reply.
	ErrMalformed = errors.New("malformed ftp reply")
	// ErrTooLong means the reply exceeded maxFTPReplyBytes or maxFTPReplyLines.
	ErrTooLong = errors.New("ftp reply too long")
)

// ParseFTPReply parses the first complete reply in data and returns it with
// the number of bytes it took. A multi-line reply ("230-...") runs until a
// line starting with the same code and a space.
func ParseFTPReply(data []byte) (FTPReply, int, error) {
	var (
		rep   FTPReply
		pos   int
		multi bool
	)
	for {
		if rep.Lines >= maxFTPReplyLines || pos >= maxFTPReplyBytes {
			return FTPReply{}, 0, ErrTooLong
		}
		nl := bytes.IndexByte(data[pos:], '\n')
		if nl < 0 {
			if len(data) >= maxFTPReplyBytes {
				return FTPReply{}, 0, ErrTooLong
			}
			return FTPReply{}, 0, ErrIncomplete
		}
		line := bytes.TrimRight(data[pos:pos+nl], "\r")
		pos += nl + 1
		rep.Lines++
		code, sep, ok := replyCode(line)
		if rep.Lines == 1 {
			if !ok {
				return FTPReply{}, 0, ErrMalformed
			}
			rep.Code = code
			multi = sep == '-'
			if !multi {
				return rep, pos, nil
			}
			continue
		}
		// Inside a multi-line reply only "<same code><space>" ends it; other
		// lines are free text.
		if ok && code == rep.Code && sep == ' ' {
			return rep, pos, nil
		}
	}
}

// replyCode reads "NNN" followed by ' ', '-' or the end of line.
func replyCode(line []byte) (code int, sep byte, ok bool) {
	if len(line) < 3 {
		return 0, 0, false
	}
	for _, c := range line[:3] {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		code = code*10 + int(c-'0')
	}
	if line[0] < '1' || line[0] > '5' {
		return 0, 0, false
	}
	if len(line) == 3 {
		return code, ' ', true
	}
	if line[3] != ' ' && line[3] != '-' {
		return 0, 0, false
	}
	return code, line[3], true
}
