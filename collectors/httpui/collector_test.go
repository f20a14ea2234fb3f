package httpui

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/collectors/collectortest"
	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfile"
	"github.com/mfpscan/mfpscan/internal/testfmt"
	"github.com/mfpscan/mfpscan/internal/testnet"
)

func portOf(t *testing.T, srv *httptest.Server) int {
	t.Helper()
	_, p, err := net.SplitHostPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return n
}

func serveFile(t *testing.T, server, file string) http.HandlerFunc {
	body := testfile.Testdata(t, "http", file)
	return func(w http.ResponseWriter, r *http.Request) {
		if server != "" {
			w.Header().Set("Server", server)
		}
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write(body)
	}
}

func collectOne(t *testing.T, roles map[int]string) (facts.Device, facts.CollectorStatus) {
	t.Helper()
	var doc facts.Device
	st := New().Collect(context.Background(), collectortest.Env(t, 2*time.Second), collectortest.Target(roles), &doc)
	return doc, st
}

// collectService collects the one HTTP server srv, which must answer.
func collectService(t *testing.T, srv *httptest.Server) (facts.Device, facts.HTTPService) {
	t.Helper()
	doc, st := collectOne(t, map[int]string{portOf(t, srv): collectors.RoleHTTP})
	if st.Status != facts.StatusOK || len(doc.HTTP) != 1 {
		t.Fatalf("status %+v, %d services", st, len(doc.HTTP))
	}
	return doc, doc.HTTP[0]
}

func TestCollectLoginVariants(t *testing.T) {
	tests := []struct {
		file, server string
		mode         string
		canon        bool
	}{
		{"iradv_portal.html", "Catwalk", facts.LoginModeNone, true},
		{"mf_portal.html", "CANON HTTP Server Ver2.21", facts.LoginModeNone, true},
		{"iradv_login_deptid.html", "Catwalk", facts.LoginModeDepartmentID, true},
		{"mf_login_checklogin.html", "CANON HTTP Server", facts.LoginModeGeneralNoPassword, true},
		{"guide_login4_general_access_pin.html", "CANON HTTP Server", facts.LoginModeSystemManager, true},
		{"guide_login2_general_user.html", "Catwalk", facts.LoginModeGeneralNoPassword, true},
		{"general_user_login.html", "CANON HTTP Server", facts.LoginModeGeneralNoPassword, true},
		{"nginx_welcome.html", "nginx", facts.LoginModeUnknown, false},
		{"otp_step.html", "Catwalk", facts.LoginModeUnknown, true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			srv := httptest.NewServer(serveFile(t, tt.server, tt.file))
			defer srv.Close()
			_, s := collectService(t, srv)
			if s.LoginMode != tt.mode || s.CanonRemoteUI != tt.canon || s.StatusCode != 200 || s.Server != tt.server {
				t.Errorf("got mode %q canon %v code %d server %q", s.LoginMode, s.CanonRemoteUI, s.StatusCode, s.Server)
			}
			// No login: certainly no OTP step. A login page without an OTP
			// field says nothing about a step behind the password.
			otpPage := tt.file == "otp_step.html"
			if tt.mode == facts.LoginModeNone && (s.OTPStep == nil || *s.OTPStep) ||
				otpPage && (s.OTPStep == nil || !*s.OTPStep) ||
				tt.mode != facts.LoginModeNone && !otpPage && s.OTPStep != nil {
				t.Errorf("otp step %v", s.OTPStep)
			}
			if s.RedirectsToHTTPS == nil || *s.RedirectsToHTTPS || s.HSTS != nil {
				t.Errorf("redirect %v hsts %v", s.RedirectsToHTTPS, s.HSTS)
			}
			// The test server answers every path with the page: open pages
			// are only recorded on Canon UIs and only when not a login.
			wantOpen := tt.canon && tt.mode == facts.LoginModeNone
			if tt.canon != (len(s.Pages) == len(wellKnownPages)) {
				t.Errorf("pages = %+v", s.Pages)
			}
			for _, p := range s.Pages {
				if p.Open != wantOpen || p.StatusCode != 200 {
					t.Errorf("page %+v, want open=%v", p, wantOpen)
				}
			}
		})
	}
}

func TestCollectRedirectToHTTPSAndHSTS(t *testing.T) {
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Strict-Transport-Security", "max-age=31536000")
		serveFile(t, "Catwalk", "iradv_login_deptid.html")(w, r)
	}))
	defer tlsSrv.Close()
	tlsPort := portOf(t, tlsSrv)
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "Catwalk")
		// Catwalk's placeholder host: the collector must map it to the target.
		http.Redirect(w, r, fmt.Sprintf("https://null:%d/", tlsPort), http.StatusFound)
	}))
	defer plain.Close()
	plainPort := portOf(t, plain)
	doc, st := collectOne(t, map[int]string{plainPort: collectors.RoleHTTP, tlsPort: collectors.RoleHTTPS})
	if st.Status != facts.StatusOK || len(doc.HTTP) != 2 {
		t.Fatalf("status %+v services %+v", st, doc.HTTP)
	}
	var p, s facts.HTTPService
	for _, svc := range doc.HTTP {
		if svc.TLS {
			s = svc
		} else {
			p = svc
		}
	}
	if p.StatusCode != 302 || p.RedirectsToHTTPS == nil || !*p.RedirectsToHTTPS || p.RedirectLocation == "" {
		t.Errorf("plain port: %+v", p)
	}
	// Followed across to the TLS port: the login form was classified.
	if p.LoginMode != facts.LoginModeDepartmentID || !p.CanonRemoteUI {
		t.Errorf("plain port after redirect: mode %q canon %v", p.LoginMode, p.CanonRemoteUI)
	}
	if s.HSTS == nil || !*s.HSTS || s.RedirectsToHTTPS != nil || s.LoginMode != facts.LoginModeDepartmentID {
		t.Errorf("tls port: %+v", s)
	}
	doc.Collectors = map[string]facts.CollectorStatus{"http": st}
	NewRemoteUIAnalyser().Analyse(context.Background(), nil, nil, &doc)
	ui := doc.RemoteUI
	if ui == nil || !ui.Present || ui.CleartextReachable == nil || *ui.CleartextReachable ||
		ui.RedirectsToHTTPS == nil || !*ui.RedirectsToHTTPS || ui.HSTS == nil || !*ui.HSTS ||
		ui.LoginMode != facts.LoginModeDepartmentID || len(ui.Ports) != 2 {
		t.Errorf("remote ui = %+v", ui)
	}
}

func TestCollectRedirectLoopAndOffHost(t *testing.T) {
	var hits atomic.Int32
	loop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Server", "CANON HTTP Server")
		http.Redirect(w, r, "/again", http.StatusFound)
	}))
	defer loop.Close()
	doc, st := collectOne(t, map[int]string{portOf(t, loop): collectors.RoleHTTP})
	if st.Status != facts.StatusOK || doc.HTTP[0].StatusCode != 302 {
		t.Fatalf("loop: %+v %+v", st, doc.HTTP)
	}
	// GET / plus at most maxRedirects follow-ups, the OPTIONS probe for
	// WebDAV, plus the page probes.
	if want := 1 + maxRedirects + 1 + len(wellKnownPages); int(hits.Load()) != want {
		t.Errorf("loop hits = %d, want %d", hits.Load(), want)
	}

	off := httptest.NewServer(http.RedirectHandler("https://192.0.2.10/", http.StatusMovedPermanently))
	defer off.Close()
	doc, _ = collectOne(t, map[int]string{portOf(t, off): collectors.RoleHTTP})
	if r := doc.HTTP[0].RedirectsToHTTPS; r == nil || *r {
		t.Errorf("off-host https redirect counted as same host: %v", r)
	}
}

func TestCollectEndlessBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "CANON HTTP Server")
		_, _ = w.Write([]byte("<html><head><title>Remote UI: Portal: X: Y</title></head>"))
		chunk := make([]byte, 32<<10)
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	start := time.Now()
	doc, st := collectOne(t, map[int]string{portOf(t, srv): collectors.RoleHTTP})
	if st.Status != facts.StatusOK || doc.HTTP[0].Title != "Remote UI: Portal: X: Y" {
		t.Fatalf("endless: %+v %+v", st, doc.HTTP)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("endless body took %v", d)
	}
}

func TestCollectStatuses(t *testing.T) {
	_, st := collectOne(t, map[int]string{})
	if st.Status != facts.StatusClosed || st.Reason == "" {
		t.Errorf("no ports: %+v", st)
	}
	port := testnet.FreePort(t, "tcp")
	doc, st := collectOne(t, map[int]string{port: collectors.RoleHTTP})
	if st.Status != facts.StatusRefused || doc.HTTP[0].Status != facts.StatusRefused {
		t.Errorf("refused: %+v %+v", st, doc.HTTP)
	}
}

func TestRemoteUIAnalyserUnknown(t *testing.T) {
	doc := facts.Device{Collectors: map[string]facts.CollectorStatus{"http": {Status: facts.StatusTimeout}}}
	st := NewRemoteUIAnalyser().Analyse(context.Background(), nil, nil, &doc)
	if doc.RemoteUI != nil || st.Status != facts.StatusSkipped {
		t.Errorf("timeout http: ui %+v status %+v", doc.RemoteUI, st)
	}
}

func TestFuseRemoteUI(t *testing.T) {
	plainOpen := facts.HTTPService{Port: 80, Status: facts.StatusOK, StatusCode: 200, FinalStatusCode: 200, FinalScheme: "http", CanonRemoteUI: true,
		RedirectsToHTTPS: facts.Bool(false), LoginMode: facts.LoginModeSystemManager, OTPStep: facts.Bool(false),
		Pages: []facts.PageProbe{{Path: "/d_counter.html", StatusCode: 200, Open: true}, {Path: "/sysmonitor/", StatusCode: 404}}}
	tlsNone := facts.HTTPService{Port: 443, TLS: true, Status: facts.StatusOK, StatusCode: 200, CanonRemoteUI: true,
		HSTS: facts.Bool(false), LoginMode: facts.LoginModeNone}
	generic := facts.HTTPService{Port: 8080, Status: facts.StatusOK, StatusCode: 200, FinalStatusCode: 200, FinalScheme: "http", RedirectsToHTTPS: facts.Bool(false), LoginMode: facts.LoginModeUnknown}

	ui := FuseRemoteUI([]facts.HTTPService{plainOpen, tlsNone, generic}, false)
	if !ui.Present || !slices.Equal(ui.Ports, []int{80, 443}) || ui.LoginMode != facts.LoginModeNone ||
		!*ui.CleartextReachable || *ui.RedirectsToHTTPS || *ui.HSTS || *ui.OTPStep ||
		!slices.Equal(ui.OpenPages, []string{"/d_counter.html"}) {
		t.Errorf("canon fuse = %+v", ui)
	}
	ui = FuseRemoteUI([]facts.HTTPService{generic}, false)
	if ui.Present || ui.LoginMode != "" {
		t.Errorf("generic server on unknown device = %+v", ui)
	}
	ui = FuseRemoteUI([]facts.HTTPService{generic}, true)
	if !ui.Present || ui.LoginMode != facts.LoginModeUnknown || ui.HSTS != nil {
		t.Errorf("generic server on printer = %+v", ui)
	}
}

// TestFuseRemoteUIWithAPortThatDidNotAnswer: an open HTTP port whose page
// timed out may hold the Remote UI, so what the fuse says of "every port"
// or "no port" stays unknown, while a verdict a port already proved stands.
// Before, the port was dropped: HTTPS alone answering made cleartext
// "false" and MFP-RUI-001 pass.
func TestFuseRemoteUIWithAPortThatDidNotAnswer(t *testing.T) {
	tlsGuarded := facts.HTTPService{Port: 443, TLS: true, Status: facts.StatusOK, StatusCode: 200, CanonRemoteUI: true,
		HSTS: facts.Bool(true), LoginMode: facts.LoginModeSystemManager,
		Pages: []facts.PageProbe{{Path: "/rps/nativetop.cgi", StatusCode: 302}, {Path: "/sysmonitor/", StatusCode: 404}, {Path: "/portal_top.html", StatusCode: 302}, {Path: "/d_counter.html", StatusCode: 404}, {Path: "/sms/", StatusCode: 404}}}
	plainServes := facts.HTTPService{Port: 80, Status: facts.StatusOK, StatusCode: 200, FinalStatusCode: 200, FinalScheme: "http", CanonRemoteUI: true,
		RedirectsToHTTPS: facts.Bool(false), LoginMode: facts.LoginModeSystemManager}
	timedOut := func(port int) facts.HTTPService {
		return facts.HTTPService{Port: port, Status: facts.StatusTimeout, Reason: "i/o timeout"}
	}
	refused := facts.HTTPService{Port: 80, Status: facts.StatusRefused, Reason: "connection refused"}
	str := testfmt.Bool

	// Without the unanswered port every verdict is known: the baseline the
	// rows below differ from.
	ui := FuseRemoteUI([]facts.HTTPService{tlsGuarded}, true)
	if str(ui.CleartextReachable) != "false" || str(ui.HSTS) != "true" || ui.LoginMode != facts.LoginModeSystemManager || ui.OpenPages == nil {
		t.Fatalf("HTTPS only = %+v", ui)
	}

	ui = FuseRemoteUI([]facts.HTTPService{tlsGuarded, timedOut(80)}, true)
	if !ui.Present || !slices.Equal(ui.UnexaminedPorts, []int{80}) || ui.CleartextReachable != nil || ui.RedirectsToHTTPS != nil ||
		ui.HSTS != nil || ui.LoginMode != facts.LoginModeUnknown || ui.OpenPages != nil {
		t.Errorf("HTTPS answered, 80 timed out: cleartext %s, redirects %s, hsts %s, login %q, open pages %v, unexamined %v; want every one unknown",
			str(ui.CleartextReachable), str(ui.RedirectsToHTTPS), str(ui.HSTS), ui.LoginMode, ui.OpenPages, ui.UnexaminedPorts)
	}

	// A refused port proves it serves nothing: the verdicts stay known.
	ui = FuseRemoteUI([]facts.HTTPService{tlsGuarded, refused}, true)
	if ui.UnexaminedPorts != nil || str(ui.CleartextReachable) != "false" || str(ui.HSTS) != "true" {
		t.Errorf("HTTPS answered, 80 refused = %+v", ui)
	}

	// What an examined port proved stands: cleartext served, no redirect.
	ui = FuseRemoteUI([]facts.HTTPService{plainServes, timedOut(443)}, true)
	if str(ui.CleartextReachable) != "true" || str(ui.RedirectsToHTTPS) != "false" || ui.HSTS != nil {
		t.Errorf("80 serves content, 443 timed out: cleartext %s, redirects %s, hsts %s",
			str(ui.CleartextReachable), str(ui.RedirectsToHTTPS), str(ui.HSTS))
	}

	// No port answered: not "no Remote UI", the ports are named.
	ui = FuseRemoteUI([]facts.HTTPService{timedOut(80), timedOut(443)}, true)
	if ui.Present || !slices.Equal(ui.UnexaminedPorts, []int{80, 443}) {
		t.Errorf("nothing answered = %+v", ui)
	}
}

func TestCollectLegacyTLSRemoteUI(t *testing.T) {
	// Old Remote UIs speak only TLS 1.0: the collector must still read them.
	srv := httptest.NewUnstartedServer(serveFile(t, "CANON HTTP Server", "guide_login4_general_access_pin.html"))
	srv.TLS = &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS10}
	srv.StartTLS()
	defer srv.Close()
	doc, st := collectOne(t, map[int]string{portOf(t, srv): collectors.RoleHTTPS})
	s := doc.HTTP[0]
	if st.Status != facts.StatusOK || !s.TLS || s.LoginMode != facts.LoginModeSystemManager ||
		s.HSTS == nil || *s.HSTS || s.RedirectsToHTTPS != nil {
		t.Errorf("legacy tls: %+v %+v", st, s)
	}
	var hints []string
	for _, h := range doc.Identity.Sources {
		hints = append(hints, h.Field+"="+h.Value)
	}
	if !slices.Equal(hints, []string{"vendor=Canon", "printer=true", "model=MF745C/746C"}) {
		t.Errorf("hints %v", hints)
	}
}

// Issue 12 item 7: / → 302 → a page served over plain HTTP is cleartext,
// though the first response is a redirect.
func TestCollectCleartextAfterOnHostRedirect(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "CANON HTTP Server")
		if r.URL.Path == "/" {
			http.Redirect(w, r, "/rps/", http.StatusFound)
			return
		}
		_, _ = w.Write([]byte("<html><head><title>Remote UI</title></head><body>Log Out</body></html>"))
	}))
	defer srv.Close()
	doc, _ := collectOne(t, map[int]string{portOf(t, srv): collectors.RoleHTTP})
	s := doc.HTTP[0]
	if s.StatusCode != http.StatusFound || s.FinalStatusCode != 200 || s.FinalScheme != "http" {
		t.Fatalf("service = %+v, want first 302, final 200 over http", s)
	}
	ui := FuseRemoteUI(doc.HTTP, true)
	if ui.CleartextReachable == nil || !*ui.CleartextReachable {
		t.Errorf("cleartext_reachable = %v, want true after an on-host redirect to a plain page", ui.CleartextReachable)
	}
}

// Issue 12: WebDAV is detected by OPTIONS and the DAV header, never by a
// writing method.
func TestCollectWebDAVByOptions(t *testing.T) {
	var methods []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		methods = append(methods, r.Method)
		mu.Unlock()
		if r.Method == http.MethodOptions {
			w.Header().Set("DAV", "1, 2")
			w.Header().Set("Allow", "OPTIONS, GET, PROPFIND, PUT")
			return
		}
		_, _ = w.Write([]byte("<html><title>x</title></html>"))
	}))
	defer srv.Close()
	doc, _ := collectOne(t, map[int]string{portOf(t, srv): collectors.RoleHTTP})
	if w := doc.HTTP[0].WebDAV; w == nil || !*w || doc.HTTP[0].DAV != "1, 2" {
		t.Errorf("webdav = %v dav %q, want true from the DAV header", w, doc.HTTP[0].DAV)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, m := range methods {
		if m != http.MethodGet && m != http.MethodOptions {
			t.Errorf("collector sent %s; only GET and OPTIONS are read-only", m)
		}
	}
}

// Issue 12: a well-known page that could not be fetched leaves open_pages
// unknown (null), not an empty list that passes MFP-RUI-006.
func TestFuseOpenPagesUnknownOnFetchError(t *testing.T) {
	svc := facts.HTTPService{Port: 80, Status: facts.StatusOK, StatusCode: 200, FinalStatusCode: 200, FinalScheme: "http", CanonRemoteUI: true,
		Pages: []facts.PageProbe{{Path: "/rps/nativetop.cgi", Error: "timeout"}, {Path: "/sysmonitor/", StatusCode: 404},
			{Path: "/portal_top.html", StatusCode: 404}, {Path: "/d_counter.html", StatusCode: 404}, {Path: "/sms/", StatusCode: 404}}}
	if ui := FuseRemoteUI([]facts.HTTPService{svc}, true); ui.OpenPages != nil {
		t.Errorf("open_pages = %v, want nil (unknown)", ui.OpenPages)
	}
	svc.Pages[0] = facts.PageProbe{Path: "/rps/nativetop.cgi", StatusCode: 302}
	if ui := FuseRemoteUI([]facts.HTTPService{svc}, true); ui.OpenPages == nil || len(ui.OpenPages) != 0 {
		t.Errorf("open_pages = %#v, want an empty list once every page answered", ui.OpenPages)
	}
}

func TestParseDAV(t *testing.T) {
	for h, want := range map[string]bool{"1": true, "1, 2": true, "1,2, access-control": true, "": false, "2": false, "<http://x/>": false} {
		if got := ParseDAV(h); got != want {
			t.Errorf("ParseDAV(%q) = %v, want %v", h, got, want)
		}
	}
}

// An MF/LBP Remote UI whose portal page is open without a login and shows the
// device information table: the firmware becomes a medium-confidence hint
// (SNMP's canPdInfoProductVersion, high, wins when SNMP answers).
func TestCollectDeviceInfoFirmware(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "CANON HTTP Server")
		w.Header().Set("Content-Type", "text/html")
		switch r.URL.Path {
		case "/portal_top.html":
			_, _ = w.Write([]byte(`<html><head><title>Remote UI: Portal: MF743C</title></head><body>` +
				`<table><tr><th>Device Name:</th><td>MF743C</td></tr><tr><th>Firmware Version:</th><td nowrap>03.07</td></tr></table>` +
				`Copyright CANON INC.</body></html>`))
		case "/":
			_, _ = w.Write([]byte(`<html><head><title>Remote UI: Login: MF743C: MF743C</title></head><body>Copyright CANON INC.</body></html>`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	doc, svc := collectService(t, srv)
	if svc.DeviceFirmware != "03.07" || svc.DeviceFirmwarePath != "/portal_top.html" {
		t.Errorf("device firmware %q from %q, want 03.07 from /portal_top.html", svc.DeviceFirmware, svc.DeviceFirmwarePath)
	}
	found := false
	for _, h := range doc.Identity.Sources {
		if h.Field == "firmware" && h.Value == "03.07" && h.Confidence == facts.ConfidenceMedium {
			found = true
		}
	}
	if !found {
		t.Errorf("no firmware hint in %+v", doc.Identity.Sources)
	}
}

// probeOutcomes maps each probes[] record of collector to its outcome.
func probeOutcomes(doc facts.Device, collector string) map[string]string {
	out := map[string]string{}
	for _, p := range doc.Probes {
		if p.Collector == collector {
			out[fmt.Sprintf("%s :%d", p.Name, p.Port)] = p.Outcome
		}
	}
	return out
}

// Issue 12 item 2: every request is a probes[] record, and the well-known
// pages that were not asked (no Canon markers) are recorded as not sent.
func TestCollectProbeRecords(t *testing.T) {
	canon := httptest.NewServer(serveFile(t, "CANON HTTP Server", "mf_portal.html"))
	defer canon.Close()
	other := httptest.NewServer(serveFile(t, "nginx", "nginx_welcome.html"))
	defer other.Close()
	closed := testnet.FreePort(t, "tcp")
	cp, op := portOf(t, canon), portOf(t, other)
	doc, _ := collectOne(t, map[int]string{cp: collectors.RoleHTTP, op: collectors.RoleHTTP, closed: collectors.RoleHTTP})
	got := probeOutcomes(doc, "http")
	want := map[string]string{
		fmt.Sprintf("GET / :%d", cp):            facts.ProbeAnswered,
		fmt.Sprintf("OPTIONS / :%d", cp):        facts.ProbeAnswered,
		fmt.Sprintf("GET /sysmonitor/ :%d", cp): facts.ProbeAnswered,
		fmt.Sprintf("GET / :%d", op):            facts.ProbeAnswered,
		fmt.Sprintf("GET /sysmonitor/ :%d", op): facts.ProbeNotSent,
		fmt.Sprintf("GET / :%d", closed):        facts.ProbeRefused,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("probe %q = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	if _, ok := got[fmt.Sprintf("OPTIONS / :%d", closed)]; ok {
		t.Errorf("OPTIONS recorded on a refused port: %v", got)
	}
}
