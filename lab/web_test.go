package lab

import (
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

var titleRE = regexp.MustCompile(`<title>([^<]*)</title>`)

// client does not follow redirects, so tests see each step, and accepts
// the devices' self-signed certificates as a scanner would.
func client(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Timeout:       5 * time.Second,
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, //nolint:gosec // lab certificates
	}
}

type page struct {
	status int
	header http.Header
	title  string
	body   string
}

func fetch(t *testing.T, c *http.Client, method, u string, form url.Values) page {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(t.Context(), method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		t.Fatalf("read %s: %v", u, err)
	}
	p := page{status: resp.StatusCode, header: resp.Header, body: string(b)}
	if m := titleRE.FindStringSubmatch(p.body); m != nil {
		p.title = m[1]
	}
	return p
}

func TestWebFingerprints(t *testing.T) {
	f, cfg := startFleet(t, ProfileNames()...)
	c := client(t)
	tests := []struct {
		profile, scheme string
		port            int
		path            string
		status          int
		server, title   string
		markers         []string
	}{
		{ProfileFactory, "http", 80, "/", 200, "Catwalk", "Remote UI : Portal : iR-ADV C5535 III", []string{"com.canon.meap.service", ">Copyright CANON INC"}},
		{ProfileFactory, "http", 8000, "/", 200, "Catwalk", "Remote UI : Portal : iR-ADV C5535 III", nil},
		{ProfileFactory, "https", 443, "/", 200, "Catwalk", "Remote UI : Portal : iR-ADV C5535 III", nil},
		{ProfileFactory, "https", 8443, "/login", 200, "Catwalk", "Remote UI : Login : iR-ADV C5535 III", []string{`name="deptid"`, `action="/login"`}},
		{ProfileHardened, "https", 443, "/", 200, "Catwalk", "Remote UI : Login : iR-ADV DX C5870", []string{`name="username"`, `name="password"`, "User Name"}},
		{ProfileHardened, "https", 8443, "/portal", 302, "Catwalk", "", nil},
		{ProfileMF, "http", 80, "/", 200, "CANON HTTP Server", "Remote UI: Login: MF754Cdw: MF754Cdw", []string{`action="/checkLogin.cgi"`, `name="i0012"`, `name="i0014"`, `name="i0016"`, ">Copyright CANON INC"}},
		{ProfileMF, "http", 80, "/portal_top.html", 302, "CANON HTTP Server", "", nil},
		{ProfileHP, "http", 80, "/", 200, "HP HTTP Server; HP LaserJet Enterprise M507", "HP LaserJet Enterprise M507", []string{"HP Embedded Web Server"}},
		{ProfileHP, "https", 443, "/", 200, "HP HTTP Server", "HP LaserJet Enterprise M507", nil},
		{ProfileWeb, "http", 80, "/", 200, "nginx/1.24.0", "Welcome to nginx!", nil},
		{ProfileWeb, "https", 443, "/nothing", 404, "nginx/1.24.0", "404 Not Found", nil},
	}
	for _, tt := range tests {
		t.Run(tt.profile+"/"+tt.scheme+tt.path, func(t *testing.T) {
			d := device(t, f, tt.profile)
			p := fetch(t, c, http.MethodGet, tt.scheme+"://"+hostPort(d, cfg, tt.port)+tt.path, nil)
			if p.status != tt.status {
				t.Errorf("status %d, want %d", p.status, tt.status)
			}
			if got := p.header.Get("Server"); !strings.HasPrefix(got, tt.server) {
				t.Errorf("Server %q, want prefix %q", got, tt.server)
			}
			if p.title != tt.title {
				t.Errorf("title %q, want %q", p.title, tt.title)
			}
			for _, m := range tt.markers {
				if !strings.Contains(p.body, m) {
					t.Errorf("body lacks %q", m)
				}
			}
		})
	}
}

func TestHardenedRedirectHSTSAndLogin(t *testing.T) {
	f, cfg := startFleet(t, ProfileHardened)
	d := f.Devices()[0]
	c := client(t)

	p := fetch(t, c, http.MethodGet, "http://"+hostPort(d, cfg, 80)+"/anything", nil)
	wantLoc := "https://" + hostPort(d, cfg, 443) + "/"
	if p.status != http.StatusMovedPermanently || p.header.Get("Location") != wantLoc {
		t.Errorf("port 80: status %d Location %q, want 301 %q", p.status, p.header.Get("Location"), wantLoc)
	}

	base := "https://" + hostPort(d, cfg, 443)
	p = fetch(t, c, http.MethodGet, base+"/", nil)
	if !strings.Contains(p.header.Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("no HSTS header: %v", p.header)
	}
	// The shipped default must not work on the hardened device.
	p = fetch(t, c, http.MethodPost, base+"/login", url.Values{"username": {"Administrator"}, "password": {"7654321"}})
	if p.status != http.StatusOK || p.header.Get("Location") != "" || !strings.Contains(p.body, "incorrect") {
		t.Errorf("default password: status %d Location %q", p.status, p.header.Get("Location"))
	}
	p = fetch(t, c, http.MethodPost, base+"/login", url.Values{"username": {HardenedUser}, "password": {HardenedPassword}})
	if p.status != http.StatusFound || p.header.Get("Location") != "/login/otp" {
		t.Fatalf("password step: status %d Location %q", p.status, p.header.Get("Location"))
	}
	p = fetch(t, c, http.MethodGet, base+"/login/otp", nil)
	if !strings.Contains(p.body, "one-time password") || !strings.Contains(p.body, `name="otp"`) {
		t.Errorf("OTP page lacks the code form: %s", p.body)
	}
	p = fetch(t, c, http.MethodGet, base+"/portal", nil)
	if p.status != http.StatusFound {
		t.Errorf("portal before OTP: status %d, want 302", p.status)
	}
	p = fetch(t, c, http.MethodPost, base+"/login/otp", url.Values{"otp": {HardenedOTP}})
	if p.status != http.StatusFound || p.header.Get("Location") != "/portal" {
		t.Fatalf("OTP step: status %d Location %q", p.status, p.header.Get("Location"))
	}
	p = fetch(t, c, http.MethodGet, base+"/portal", nil)
	if p.status != http.StatusOK || p.title != "Remote UI : Portal : iR-ADV DX C5870" || !strings.Contains(p.body, "27.09") {
		t.Errorf("portal after login: status %d title %q", p.status, p.title)
	}
}

func TestFactoryDefaultLogin(t *testing.T) {
	f, cfg := startFleet(t, ProfileFactory)
	d := f.Devices()[0]
	base := "http://" + hostPort(d, cfg, 8000)
	tests := []struct {
		deptid, password string
		wantStatus       int
	}{
		{"7654321", "0000000", http.StatusOK},
		{"Administrator", "7654321", http.StatusOK},
		{DefaultSystemManagerID, DefaultSystemManagerPIN, http.StatusFound},
	}
	for _, tt := range tests {
		c := client(t)
		p := fetch(t, c, http.MethodPost, base+"/login", url.Values{"uri": {"/"}, "deptid": {tt.deptid}, "password": {tt.password}})
		if p.status != tt.wantStatus {
			t.Errorf("login %s/%s: status %d, want %d", tt.deptid, tt.password, p.status, tt.wantStatus)
		}
		loc := p.header.Get("Location")
		if (tt.wantStatus == http.StatusFound) != (loc != "") {
			t.Errorf("login %s/%s: Location %q", tt.deptid, tt.password, loc)
		}
		if loc != "" {
			p = fetch(t, c, http.MethodGet, base+loc, nil)
			if p.status != http.StatusOK || !strings.Contains(p.body, "writeln('Log Out") {
				t.Errorf("after login: status %d body %q", p.status, p.body)
			}
		}
	}
}

func TestMFSystemManagerLogin(t *testing.T) {
	f, cfg := startFleet(t, ProfileMF)
	d := f.Devices()[0]
	base := "http://" + hostPort(d, cfg, 80)
	c := client(t)
	p := fetch(t, c, http.MethodPost, base+"/checkLogin.cgi", url.Values{"iToken": {""}, "i0012": {"1"}, "i0014": {"7654321"}, "i0016": {"1111111"}})
	if p.status != http.StatusOK || p.header.Get("Set-Cookie") != "" {
		t.Errorf("wrong PIN: status %d cookie %q", p.status, p.header.Get("Set-Cookie"))
	}
	p = fetch(t, c, http.MethodPost, base+"/checkLogin.cgi", url.Values{"iToken": {""}, "i0012": {"1"}, "i0014": {DefaultSystemManagerID}, "i0016": {DefaultSystemManagerPIN}})
	if p.status != http.StatusFound || p.header.Get("Location") != "/portal_top.html" || !strings.HasPrefix(p.header.Get("Set-Cookie"), "sessid=") {
		t.Fatalf("right PIN: status %d Location %q cookie %q", p.status, p.header.Get("Location"), p.header.Get("Set-Cookie"))
	}
	p = fetch(t, c, http.MethodGet, base+"/portal_top.html", nil)
	for _, m := range []string{`userName">System&nbsp;Manager`, ">Log Out<", "Firmware Version:</th><td nowrap>03.07</td>", ">Copyright CANON INC"} {
		if !strings.Contains(p.body, m) {
			t.Errorf("portal lacks %q", m)
		}
	}
	if p.title != "Remote UI: Portal: MF754Cdw: MF754Cdw" {
		t.Errorf("portal title %q", p.title)
	}
}

func TestTLS(t *testing.T) {
	f, cfg := startFleet(t, ProfileNames()...)
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(f.CACertPEM()) {
		t.Fatal("CA PEM does not parse")
	}
	tests := []struct {
		profile string
		port    int
		version uint16
		suites  []uint16
		ok      bool
	}{
		{ProfileFactory, 443, tls.VersionTLS10, nil, true},
		{ProfileFactory, 8443, tls.VersionTLS11, nil, true},
		{ProfileFactory, 443, tls.VersionTLS12, nil, true},
		{ProfileFactory, 443, tls.VersionTLS13, nil, false},
		{ProfileFactory, 443, tls.VersionTLS10, []uint16{tls.TLS_RSA_WITH_AES_128_CBC_SHA}, true},
		{ProfileHardened, 443, tls.VersionTLS11, nil, false},
		{ProfileHardened, 443, tls.VersionTLS12, nil, true},
		{ProfileHardened, 8443, tls.VersionTLS13, nil, true},
		{ProfileHardened, 631, tls.VersionTLS13, nil, true},
		{ProfileMF, 443, tls.VersionTLS11, nil, false},
		{ProfileMF, 443, tls.VersionTLS12, nil, true},
		{ProfileMF, 443, tls.VersionTLS13, nil, false},
		{ProfileWeb, 443, tls.VersionTLS13, nil, true},
	}
	for _, tt := range tests {
		name := tt.profile + "/" + tls.VersionName(tt.version)
		t.Run(name, func(t *testing.T) {
			d := device(t, f, tt.profile)
			conf := &tls.Config{InsecureSkipVerify: true, MinVersion: tt.version, MaxVersion: tt.version, CipherSuites: tt.suites} //nolint:gosec // probing versions
			conn, err := tls.Dial("tcp", hostPort(d, cfg, tt.port), conf)
			if !tt.ok {
				if err == nil {
					conn.Close()
					t.Fatalf("%s accepted", tls.VersionName(tt.version))
				}
				return
			}
			if err != nil {
				t.Fatalf("handshake: %v", err)
			}
			defer conn.Close()
			st := conn.ConnectionState()
			if st.Version != tt.version {
				t.Errorf("negotiated %s", tls.VersionName(st.Version))
			}
			if tt.suites != nil && st.CipherSuite != tt.suites[0] {
				t.Errorf("suite %s", tls.CipherSuiteName(st.CipherSuite))
			}
		})
	}

	subjects := map[string]string{
		ProfileFactory:  "Canon iR-ADV C5535 III",
		ProfileHardened: "mfp-hardened.lab.invalid",
		ProfileMF:       "Canon Imaging Product",
		ProfileWeb:      "www.example.invalid",
	}
	for profile, cn := range subjects {
		d := device(t, f, profile)
		conn, err := tls.Dial("tcp", hostPort(d, cfg, 443), &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // reading certificates
		if err != nil {
			t.Fatalf("%s: %v", profile, err)
		}
		leaf := conn.ConnectionState().PeerCertificates[0]
		conn.Close()
		if leaf.Subject.CommonName != cn {
			t.Errorf("%s: CN %q, want %q", profile, leaf.Subject.CommonName, cn)
		}
		selfSigned := leaf.Issuer.String() == leaf.Subject.String()
		if selfSigned == (profile == ProfileHardened) {
			t.Errorf("%s: issuer %q subject %q", profile, leaf.Issuer, leaf.Subject)
		}
		if profile == ProfileFactory {
			k, ok := leaf.PublicKey.(*rsa.PublicKey)
			if !ok || k.N.BitLen() != 2048 || leaf.SignatureAlgorithm != x509.SHA256WithRSA {
				t.Errorf("factory key %T sig %v", leaf.PublicKey, leaf.SignatureAlgorithm)
			}
		}
		if profile == ProfileHardened {
			if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: cn}); err != nil {
				t.Errorf("hardened certificate does not verify against the lab CA: %v", err)
			}
		}
	}
}
