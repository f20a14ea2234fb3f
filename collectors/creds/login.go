package creds

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/facts"
)

// The factory values of reference §4. They exist only in request bodies
// built here: never in facts, logs, reasons or errors.
const (
	defaultSystemManagerID  = "7654321"
	defaultSystemManagerPIN = "7654321"
	defaultAdminUser        = "Administrator"
	defaultAdminPassword    = "7654321"
	defaultMeapSMSPassword  = "MeapSmsLogin"
)

const (
	// maxLoginBody caps the read of a login response: only markers are
	// looked for, and a device streaming forever must not hold the scan.
	maxLoginBody = 64 << 10
	mfLogoutPath = "/logout.cgi"
)

// loginRequest returns the path and urlencoded body of a login form
// (reference §3.3). userField adds a "username" field for iR-ADV DX forms
// that name the user field so rather than reusing deptid.
func loginRequest(f formKind, smsPath string, userField bool) (string, string) {
	v := url.Values{}
	path := "/login"
	switch f {
	case formIRADVSysMgr:
		v.Set("uri", "/")
		v.Set("deptid", defaultSystemManagerID)
		v.Set("password", defaultSystemManagerPIN)
	case formIRADVAdmin:
		v.Set("uri", "/")
		v.Set("user_type_generic", "true")
		v.Set("deptid", defaultAdminUser)
		if userField {
			v.Set("username", defaultAdminUser)
		}
		v.Set("password", defaultAdminPassword)
	case formMFSysMgr, formMFBlank:
		path = "/checkLogin.cgi"
		v.Set("iToken", "")
		v.Set("i0012", "1")
		// CVE-2018-12049: with no System Manager PIN set, the System
		// Manager mode opens with an empty PIN and no ID.
		v.Set("i0016", "")
		if f == formMFSysMgr {
			v.Set("i0014", defaultSystemManagerID)
			v.Set("i0016", defaultSystemManagerPIN)
		}
	case formMeapSMS:
		path = smsPath
		v.Set("password", defaultMeapSMSPassword)
	}
	return path, v.Encode()
}

func baseURL(addr netip.Addr, port int, useTLS bool, path string) string {
	scheme := "http"
	if useTLS {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: net.JoinHostPort(addr.String(), strconv.Itoa(port)), Path: path}
	return u.String()
}

// tryHTTP posts one login form once and judges the answer. On an accepted
// MF/LBP login it logs out again, so the device's single admin session is
// not left held by the scanner.
func tryHTTP(ctx context.Context, env *collectors.Env, c *http.Client, addr netip.Addr, a attempt, userField bool) facts.CredentialCheck {
	check := facts.CredentialCheck{Account: a.account, Port: a.port}
	path, body := loginRequest(a.form, a.path, userField)
	resp, err := post(ctx, env, c, baseURL(addr, a.port, a.tls, path), body)
	if err != nil {
		check.Status, check.Reason = classifyErr(err)
		return check
	}
	resp.RequestPath = path
	verdict, reason := JudgeLogin(resp.LoginResponse)
	check.Reason = reason
	switch verdict {
	case VerdictAccepted:
		check.Accepted, check.Status = facts.Bool(true), facts.StatusOK
		if a.form == formIRADVAdmin {
			check.OTPStep = OTPStepAfterLogin(reason)
		}
		if a.form == formMFSysMgr || a.form == formMFBlank {
			logout(ctx, env, c, baseURL(addr, a.port, a.tls, mfLogoutPath), resp.Cookies, resp.cookieHeader)
		}
	case VerdictRefused:
		check.Accepted, check.Status = facts.Bool(false), facts.StatusOK
	default:
		check.Status = facts.StatusError
	}
	return check
}

// judgedResponse carries the cookie header needed for the logout beside the
// response the judge sees; it is never stored.
type judgedResponse struct {
	LoginResponse
	cookieHeader string
}

func post(ctx context.Context, env *collectors.Env, c *http.Client, target, body string) (judgedResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, env.Timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		return judgedResponse{}, fmt.Errorf("build login request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "mfpscan")
	resp, err := c.Do(req)
	if err != nil {
		return judgedResponse{}, fmt.Errorf("post login form: %w", err)
	}
	defer resp.Body.Close()
	// A body cut short keeps what arrived: the status line and headers
	// often decide on their own.
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxLoginBody))
	out := judgedResponse{LoginResponse: LoginResponse{
		StatusCode: resp.StatusCode,
		Location:   resp.Header.Get("Location"),
		Body:       b,
	}}
	var pairs []string
	for _, ck := range resp.Cookies() {
		out.Cookies = append(out.Cookies, ck.Name)
		pairs = append(pairs, (&http.Cookie{Name: ck.Name, Value: ck.Value}).String())
	}
	out.cookieHeader = strings.Join(pairs, "; ")
	return out, nil
}

// logout is best effort: its outcome changes no fact.
func logout(ctx context.Context, env *collectors.Env, c *http.Client, target string, names []string, cookieHeader string) {
	if !hasSessionCookie(names) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, env.Timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return
	}
	req.Header.Set("Cookie", cookieHeader)
	req.Header.Set("User-Agent", "mfpscan")
	resp, err := c.Do(req)
	if err != nil {
		env.Log.Debug("logout after default credential check failed", "error", err)
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxLoginBody))
	_ = resp.Body.Close()
}

// classifyErr maps a network error to a status. The reason is built from
// the error's kind, not its text, so no request detail can leak into it.
func classifyErr(err error) (facts.Status, string) {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout():
		return facts.StatusTimeout, "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		// Not StatusRefused: that would read as the login being refused.
		return facts.StatusError, "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return facts.StatusError, "connection closed by device"
	case errors.Is(err, context.Canceled):
		return facts.StatusError, "cancelled"
	}
	var te *tls.RecordHeaderError
	if errors.As(err, &te) {
		return facts.StatusError, "tls handshake failed"
	}
	// The last clause of a wrapped network error names the failure
	// ("no route to host") without the request it belonged to.
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	if len(msg) > 120 {
		msg = msg[:120]
	}
	return facts.StatusError, "request failed: " + strings.ToValidUTF8(msg, "")
}
