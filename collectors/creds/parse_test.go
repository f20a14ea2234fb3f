package creds

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/internal/testfile"
)

// readCaptured turns a raw HTTP response file into the judge's input.
func readCaptured(t testing.TB, name, requestPath string) LoginResponse {
	t.Helper()
	raw := testfile.Testdata(t, "creds", name)
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body of %s: %v", name, err)
	}
	lr := LoginResponse{RequestPath: requestPath, StatusCode: resp.StatusCode, Location: resp.Header.Get("Location"), Body: body}
	for _, c := range resp.Cookies() {
		lr.Cookies = append(lr.Cookies, c.Name)
	}
	return lr
}

func TestJudgeLoginCaptured(t *testing.T) {
	tests := []struct {
		file string
		path string
		want Verdict
		// otp is what OTPStepAfterLogin makes of the reason: "true",
		// "false" or "" (unknown).
		otp string
	}{
		{"iradv_login_ok.http", "/login", VerdictAccepted, ""},
		{"iradv_gen1_redirect_root.http", "/login", VerdictAccepted, ""},
		{"iradv_login_refused.http", "/login", VerdictRefused, ""},
		{"iradv_gen3_login_page_again.http", "/login", VerdictRefused, ""},
		{"iradv_gen3_portal_ok.http", "/login", VerdictAccepted, "false"},
		{"mf_checklogin_ok.http", "/checkLogin.cgi", VerdictAccepted, ""},
		{"mf_checklogin_refused.http", "/checkLogin.cgi", VerdictRefused, ""},
		{"mf_blank_pin_portal_ok.http", "/checkLogin.cgi", VerdictAccepted, "false"},
		{"redirect_login_error.http", "/login", VerdictRefused, ""},
		{"redirect_otp_step.http", "/login", VerdictAccepted, "true"},
		{"otp_step_page.http", "/login", VerdictAccepted, "true"},
		{"not_found.http", "/checkLogin.cgi", VerdictUnknown, ""},
		{"basic_auth_401.http", "/login", VerdictRefused, ""},
		{"server_error_500.http", "/login", VerdictUnknown, ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, reason := JudgeLogin(readCaptured(t, tt.file, tt.path))
			if got != tt.want {
				t.Errorf("JudgeLogin = %v (%s), want %v", got, reason, tt.want)
			}
			if reason == "" {
				t.Error("empty reason")
			}
			otp := ""
			if b := OTPStepAfterLogin(reason); b != nil {
				otp = fmt.Sprint(*b)
			}
			if otp != tt.otp {
				t.Errorf("OTPStepAfterLogin(%q) = %q, want %q", reason, otp, tt.otp)
			}
		})
	}
}

func TestJudgeLoginInline(t *testing.T) {
	tests := []struct {
		name string
		r    LoginResponse
		want Verdict
	}{
		{"redirect to same path", LoginResponse{RequestPath: "/login", StatusCode: 302, Location: "/login"}, VerdictRefused},
		{"redirect to same path absolute", LoginResponse{RequestPath: "/checkLogin.cgi", StatusCode: 303, Location: "http://10.0.0.1/checkLogin.cgi"}, VerdictRefused},
		{"redirect to logout", LoginResponse{RequestPath: "/login", StatusCode: 302, Location: "/logout.cgi"}, VerdictRefused},
		{"redirect to portal with cookie", LoginResponse{RequestPath: "/login", StatusCode: 301, Location: "/portal/indicate", Cookies: []string{"iR"}}, VerdictAccepted},
		{"redirect query fail", LoginResponse{RequestPath: "/login", StatusCode: 302, Location: "/?result=FAIL"}, VerdictRefused},
		{"redirect without location", LoginResponse{RequestPath: "/login", StatusCode: 302}, VerdictUnknown},
		{"redirect with bad location", LoginResponse{RequestPath: "/login", StatusCode: 302, Location: "http://[::1"}, VerdictUnknown},
		{"forbidden", LoginResponse{StatusCode: 403}, VerdictRefused},
		{"method not allowed", LoginResponse{StatusCode: 405}, VerdictUnknown},
		{"200 empty", LoginResponse{StatusCode: 200}, VerdictUnknown},
		{"200 blank page with cookie only", LoginResponse{StatusCode: 200, Cookies: []string{"sessid"}, Body: []byte("<html></html>")}, VerdictUnknown},
		{"200 portal markers no cookie", LoginResponse{StatusCode: 200, Body: []byte(`<a href="/logout.cgi">Log Out</a>`)}, VerdictAccepted},
		{"200 login failed text", LoginResponse{StatusCode: 200, Body: []byte(`<p>Login failed.</p><a>Log Out</a>`)}, VerdictRefused},
		{"open portal title only", LoginResponse{StatusCode: 200, Body: []byte(`<title>Remote UI : Portal : iR-ADV</title><a href="/login">Log In</a>`)}, VerdictUnknown},
		{"portal title with session cookie", LoginResponse{StatusCode: 200, Cookies: []string{"iR"}, Body: []byte(`<title>Remote UI : Portal : iR-ADV</title>`)}, VerdictAccepted},
		{"informational", LoginResponse{StatusCode: 100}, VerdictUnknown},
		{"portal marker after scan cap", LoginResponse{StatusCode: 200, Body: append(bytes.Repeat([]byte(" "), maxJudgeScan), []byte(">Log Out<")...)}, VerdictUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, reason := JudgeLogin(tt.r); got != tt.want {
				t.Errorf("JudgeLogin = %v (%s), want %v", got, reason, tt.want)
			}
		})
	}
}

func TestParseFTPReply(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantCode  int
		wantLines int
		wantN     int
		wantErr   error
	}{
		{"file multiline 230", "@ftp-reply-230-multiline.txt", 230, 3, -1, nil},
		{"file 530", "@ftp-reply-530.txt", 530, 1, -1, nil},
		{"file 331", "@ftp-reply-331.txt", 331, 1, -1, nil},
		{"file 220 dash lines", "@ftp-reply-220-multiline.txt", 220, 3, -1, nil},
		{"canon banner", "@../banners/ftp-canon-iradv.txt", 220, 1, -1, nil},
		{"bare LF and rest left", "220 ok\n331 next\r\n", 220, 1, 7, nil},
		{"code only", "230\r\n", 230, 1, 5, nil},
		{"incomplete line", "220 Canon", 0, 0, 0, ErrIncomplete},
		{"incomplete multiline", "230-a\r\nb\r\n", 0, 0, 0, ErrIncomplete},
		{"other code inside multiline", "230-a\r\n530 b\r\n230 end\r\n", 230, 3, 23, nil},
		{"same code with dash continues", "230-a\r\n230-b\r\n230 c\r\n", 230, 3, 21, nil},
		{"not a reply", "SSH-2.0-OpenSSH\r\n", 0, 0, 0, ErrMalformed},
		{"code 600", "600 x\r\n", 0, 0, 0, ErrMalformed},
		{"short", "22\r\n", 0, 0, 0, ErrMalformed},
		{"bad separator", "220x\r\n", 0, 0, 0, ErrMalformed},
		{"endless line", "220 " + strings.Repeat("a", maxFTPReplyBytes), 0, 0, 0, ErrTooLong},
		{"endless multiline", "220-x\r\n" + strings.Repeat("x\r\n", maxFTPReplyLines+1), 0, 0, 0, ErrTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := testfile.Inline(t, "creds", tt.in)
			rep, n, err := ParseFTPReply(in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if rep.Code != tt.wantCode || rep.Lines != tt.wantLines {
				t.Errorf("reply = %+v, want code %d lines %d", rep, tt.wantCode, tt.wantLines)
			}
			wantN := tt.wantN
			if wantN < 0 {
				wantN = len(in)
			}
			if n != wantN {
				t.Errorf("consumed %d, want %d", n, wantN)
			}
		})
	}
}

func FuzzJudgeLogin(f *testing.F) {
	entries, err := os.ReadDir(filepath.Join("..", "..", "testdata", "creds"))
	if err != nil {
		f.Fatalf("list testdata: %v", err)
	}
	for _, e := range entries {
		if filepath.Ext(e.Name()) != ".http" {
			continue
		}
		r := readCaptured(f, e.Name(), "/login")
		f.Add(r.StatusCode, r.Location, strings.Join(r.Cookies, ","), r.Body)
	}
	f.Fuzz(func(t *testing.T, status int, location, cookies string, body []byte) {
		r := LoginResponse{RequestPath: "/login", StatusCode: status, Location: location, Cookies: strings.Split(cookies, ","), Body: body}
		v, reason := JudgeLogin(r)
		if v != VerdictAccepted && v != VerdictRefused && v != VerdictUnknown {
			t.Fatalf("verdict %d out of range", v)
		}
		if reason == "" {
			t.Fatal("empty reason")
		}
		// The reason is stored in facts: it must never echo device data.
		if len(body) > 0 && strings.Contains(reason, string(body)) && len(body) > 8 {
			t.Fatalf("reason %q echoes the body", reason)
		}
	})
}

func FuzzParseFTPReply(f *testing.F) {
	for _, name := range []string{
		"creds/ftp-reply-230-multiline.txt", "creds/ftp-reply-530.txt", "creds/ftp-reply-331.txt",
		"creds/ftp-reply-220-multiline.txt", "banners/ftp-canon-iradv.txt", "banners/ftp-canon-mf.txt",
	} {
		f.Add(testfile.Testdata(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, n, err := ParseFTPReply(data)
		if err != nil {
			if n != 0 || rep.Code != 0 {
				t.Fatalf("error %v with reply %+v, n %d", err, rep, n)
			}
			return
		}
		if n <= 0 || n > len(data) || n > maxFTPReplyBytes+1024 {
			t.Fatalf("consumed %d of %d", n, len(data))
		}
		if rep.Code < 100 || rep.Code > 599 || rep.Lines < 1 || rep.Lines > maxFTPReplyLines {
			t.Fatalf("reply out of range: %+v", rep)
		}
	})
}
