package httpui

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfile"
	"github.com/mfpscan/mfpscan/internal/testtable"
)

func TestParseTitle(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"file iradv portal", "@iradv_portal.html", "Remote UI : Portal : iR-ADV C3325 : iR-ADV C3325"},
		{"file mf login", "@mf_login_checklogin.html", "Remote UI: Login: MF632C/634C: MF632C/634C"},
		{"entities control and bad utf8", "@weird_title.html", "A & B <Top Page> x"},
		{"no title", "<html><body>x</body></html>", ""},
		{"unterminated", "<title>Remote UI   <b", "Remote UI <b"},
		{"uppercase tag with attrs", `<TITLE lang="en">X&#65;</TITLE>`, "XA"},
		{"capped", "<title>" + strings.Repeat("a", 5000) + "</title>", strings.Repeat("a", maxTitleLen)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseTitle(testfile.Inline(t, "http", tt.body)); got != tt.want {
				t.Errorf("ParseTitle = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestClassifyLogin(t *testing.T) {
	tests := []struct {
		file       string
		status     int
		header     http.Header
		wantMode   string
		wantOTP    bool
		wantMarker string
	}{
		{"iradv_portal.html", 200, nil, facts.LoginModeNone, false, "portal_title"},
		{"mf_portal.html", 200, nil, facts.LoginModeNone, false, "portal_title"},
		{"iradv_login_deptid.html", 200, nil, facts.LoginModeDepartmentID, false, "deptid_form"},
		{"iradv_gen3_login.html", 200, nil, facts.LoginModeUserPassword, false, "user_name_label"},
		// General User Mode offered without a Remote UI Access PIN: the
		// System Manager PIN guards only the administrator (issue 12 item 6).
		{"mf_login_checklogin.html", 200, nil, facts.LoginModeGeneralNoPassword, false, "general_user_mode"},
		// The five login screens of the guide's key point 6.
		{"guide_login1_user_password.html", 200, nil, facts.LoginModeUserPassword, false, "user_password_form"},
		{"guide_login2_general_user.html", 200, nil, facts.LoginModeGeneralNoPassword, false, "general_user_login"},
		{"guide_login3_department_id.html", 200, nil, facts.LoginModeDepartmentID, false, "deptid_form"},
		{"guide_login4_general_no_pin.html", 200, nil, facts.LoginModeGeneralNoPassword, false, "general_user_mode"},
		{"guide_login4_general_access_pin.html", 200, nil, facts.LoginModeSystemManager, false, "remote_ui_access_pin"},
		{"guide_login5_otp.html", 200, nil, facts.LoginModeUnknown, true, "otp_field"},
		{"general_user_login.html", 200, nil, facts.LoginModeGeneralNoPassword, false, "user_name_only_form"},
		{"user_password_login.html", 200, nil, facts.LoginModeUserPassword, false, "user_password_form"},
		{"otp_step.html", 200, nil, facts.LoginModeUnknown, true, "otp_field"},
		{"nginx_welcome.html", 200, nil, facts.LoginModeUnknown, false, ""},
		{"nginx_welcome.html", 401, http.Header{"Www-Authenticate": {`Basic realm="x"`}}, facts.LoginModeUserPassword, false, "http_auth"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			mode, otp, markers := ClassifyLogin(Page{StatusCode: tt.status, Header: h, Body: testfile.Testdata(t, "http", tt.file)})
			if mode != tt.wantMode || otp != tt.wantOTP {
				t.Errorf("ClassifyLogin = %q otp=%v, want %q otp=%v", mode, otp, tt.wantMode, tt.wantOTP)
			}
			if tt.wantMarker != "" && !slices.Contains(markers, tt.wantMarker) {
				t.Errorf("markers %v lack %q", markers, tt.wantMarker)
			}
			if tt.wantMarker == "" && len(markers) != 0 {
				t.Errorf("markers = %v, want none", markers)
			}
		})
	}
}

func TestCanonMarkers(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		server    string
		wantCanon bool
		want      []string
	}{
		{"catwalk redirect", "nginx_welcome.html", "Catwalk", true, []string{"server_catwalk"}},
		{"canon http server", "nginx_welcome.html", "CANON HTTP Server Ver2.21", true, []string{"server_canon_http"}},
		{"mf login", "mf_login_checklogin.html", "", true, []string{"title_remote_ui", "body_copyright_canon", "path_checklogin", "canon_logo"}},
		{"iradv portal", "iradv_portal.html", "", true, []string{"title_remote_ui", "body_copyright_canon", "path_rps"}},
		{"pixma", "pixma_netconfig.html", "KS_HTTP/1.0", true, []string{"server_ks_http", "title_network_configuration"}},
		{"nginx", "nginx_welcome.html", "nginx/1.24", false, nil},
		{"lpc only is weak", "nginx_welcome.html", "LPC Http Server/V1.0", false, []string{"server_lpc_http"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := testfile.Testdata(t, "http", tt.file)
			p := Page{StatusCode: 200, Header: http.Header{"Server": {tt.server}}, Body: body, Title: ParseTitle(body)}
			canon, markers := CanonMarkers(p)
			if canon != tt.wantCanon || !slices.Equal(markers, tt.want) {
				t.Errorf("CanonMarkers = %v %v, want %v %v", canon, markers, tt.wantCanon, tt.want)
			}
		})
	}
}

func TestModelFromTitle(t *testing.T) {
	testtable.Mapping(t, "ModelFromTitle", ModelFromTitle, map[string]string{
		"Remote UI: Login: MF632C/634C: MF632C/634C":       "MF632C/634C",
		"Remote UI : Portal : iR-ADV C3325 : iR-ADV C3325": "iR-ADV C3325",
		"Remote UI: Login: iR1643i II: iR1643i II":         "iR1643i II",
		"Welcome to nginx!":                                "",
		"Other: a: b: c":                                   "",
	})
}

func TestSanitize(t *testing.T) {
	if got := Sanitize("a\x00b\u202ec\n\n d\xff", 100); got != "abc d" {
		t.Errorf("Sanitize = %q", got)
	}
	if got := Sanitize("abc def", 5); got != "abc d" {
		t.Errorf("Sanitize cap = %q", got)
	}
}

func FuzzParsePage(f *testing.F) {
	entries, err := os.ReadDir(filepath.Join("..", "..", "testdata", "http"))
	if err != nil {
		f.Fatalf("read testdata: %v", err)
	}
	for _, e := range entries {
		f.Add(testfile.Testdata(f, "http", e.Name()), 200)
	}
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		title := ParseTitle(body)
		if len([]rune(title)) > maxTitleLen {
			t.Fatalf("title too long: %d runes", len([]rune(title)))
		}
		for _, r := range title {
			if r == '\uFFFD' && !strings.ContainsRune(string(body), '\uFFFD') && !strings.Contains(string(body), "&#") {
				t.Fatalf("replacement char in title %q", title)
			}
		}
		p := Page{StatusCode: status, Header: http.Header{}, Body: body, Title: title}
		mode, _, _ := ClassifyLogin(p)
		if mode == "" {
			t.Fatal("empty login mode")
		}
		CanonMarkers(p)
		IsLoginPage(p)
	})
}

// Issue 12: the iR-ADV Gen3 login's hidden user_type_generic field is
// reported as a marker, which the MEAP SMS / Administrator checks read.
func TestClassifyLoginUserTypeGeneric(t *testing.T) {
	body := testfile.Testdata(t, "http", "iradv_gen3_login.html")
	_, _, markers := ClassifyLogin(Page{StatusCode: 200, Body: body})
	if !slices.Contains(markers, "user_type_generic") {
		t.Errorf("markers %v lack user_type_generic", markers)
	}
}

// TestDeviceFirmware: the table rows follow the layout Greenbone's Canon
// HTTP detection VT matches ("Firmware Version:</th>...<td ... nowrap>1.020</td>");
// the surrounding markup is rebuilt from that description, not captured.
func TestDeviceFirmware(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"mf table", `<tr><th>Firmware Version:</th><td class="x" nowrap>1.020</td></tr>`, "1.020"},
		{"controller", `<tr><td>Controller Version</td><td><span>05.04</span></td></tr>`, "05.04"},
		{"letter prefix", `<th>Firmware Version:</th> <td nowrap>R7.21</td>`, "R7.21"},
		{"no version", `<th>Firmware Version:</th><td>--</td>`, ""},
		{"unrelated", `<th>Device Name:</th><td>MF743C</td>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DeviceFirmware([]byte(tt.body)); got != tt.want {
				t.Errorf("DeviceFirmware = %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzDeviceFirmware(f *testing.F) {
	f.Add([]byte(`<th>Firmware Version:</th><td nowrap>1.020</td>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got := DeviceFirmware(b); len(got) > 24 {
			t.Fatalf("version %q longer than the pattern allows", got)
		}
	})
}
