package creds

import (
	"context"
	"encoding/json"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/facts"

	"github.com/mfpscan/mfpscan/internal/testfmt"
	"github.com/mfpscan/mfpscan/internal/testnet"
)

func checkOf(t *testing.T, doc *facts.Device, account string) facts.CredentialCheck {
	t.Helper()
	if doc.Credentials == nil {
		t.Fatal("doc.Credentials is nil")
	}
	for _, c := range doc.Credentials.Checks {
		if c.Account == account {
			return c
		}
	}
	t.Fatalf("no check for %s in %+v", account, doc.Credentials.Checks)
	return facts.CredentialCheck{}
}

// wantAccepted asserts a check ran and ended with the given verdict.
func wantAccepted(t *testing.T, doc *facts.Device, account string, want bool) {
	t.Helper()
	c := checkOf(t, doc, account)
	if c.Status != facts.StatusOK || c.Accepted == nil || *c.Accepted != want {
		t.Errorf("%s: status %s accepted %v reason %q, want ok accepted=%v", account, c.Status, testfmt.Bool(c.Accepted), c.Reason, want)
	}
}

func wantSkipped(t *testing.T, doc *facts.Device, account, reason string) {
	t.Helper()
	c := checkOf(t, doc, account)
	if c.Status != facts.StatusSkipped || c.Accepted != nil || !strings.Contains(c.Reason, reason) {
		t.Errorf("%s: status %s accepted %v reason %q, want skipped containing %q", account, c.Status, testfmt.Bool(c.Accepted), c.Reason, reason)
	}
}

// assertNoSecrets fails when a tried value shows up in the facts document
// or in the log output.
func assertNoSecrets(t *testing.T, fx *fixture) {
	t.Helper()
	doc, err := json.Marshal(fx.doc)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	logs := fx.logBuf.String()
	for _, secret := range []string{fakeDefaultPIN, fakeMeapSMSPass, anonymousPassword} {
		if strings.Contains(string(doc), secret) {
			t.Errorf("facts document contains %q: %s", secret, doc)
		}
		if strings.Contains(logs, secret) {
			t.Errorf("log output contains %q: %s", secret, logs)
		}
	}
}

func TestNoOptInSendsNothing(t *testing.T) {
	fx, hits, ftp, _ := mfWithFTP(t, false, map[string]bool{AccountSystemManagerDefault: true}, true)

	st := New().Analyse(context.Background(), fx.env, fx.target, fx.doc)

	if st.Status != facts.StatusSkipped || st.Reason != ReasonNoOptIn {
		t.Errorf("status = %+v, want skipped with opt-in reason", st)
	}
	want := &facts.Credentials{Status: facts.StatusSkipped, Reason: ReasonNoOptIn}
	if fx.doc.Credentials == nil || fx.doc.Credentials.Status != want.Status || fx.doc.Credentials.Reason != want.Reason || len(fx.doc.Credentials.Checks) != 0 {
		t.Errorf("credentials = %+v, want %+v", fx.doc.Credentials, want)
	}
	if n := hits.total(); n != 0 {
		t.Errorf("http server got %d requests without opt-in", n)
	}
	if n := ftp.conns.total(); n != 0 {
		t.Errorf("ftp server got %d connections without opt-in", n)
	}
}

func TestNotPrinterSkipped(t *testing.T) {
	for _, isPrinter := range []*bool{nil, facts.Bool(false)} {
		srv, hits := fakeCanon(t, false, map[string]bool{AccountSystemManagerDefault: true})
		port := serverPort(t, srv)
		fx := newFixture(true, []facts.HTTPService{mfService(port, false)}, map[int]string{port: collectors.RoleHTTP})
		fx.doc.Identity.IsPrinter = isPrinter

		st := New().Analyse(context.Background(), fx.env, fx.target, fx.doc)

		if st.Status != facts.StatusSkipped || fx.doc.Credentials == nil || fx.doc.Credentials.Status != facts.StatusSkipped ||
			!strings.Contains(fx.doc.Credentials.Reason, "printer") {
			t.Errorf("is_printer %s: status %+v credentials %+v, want skipped (not a printer)", testfmt.Bool(isPrinter), st, fx.doc.Credentials)
		}
		if n := hits.total(); n != 0 {
			t.Errorf("is_printer %s: server got %d requests", testfmt.Bool(isPrinter), n)
		}
	}
}

func TestMFDefaultAccepted(t *testing.T) {
	fx, hits, ftp, port := mfWithFTP(t, true, map[string]bool{AccountSystemManagerDefault: true}, true)

	st := New().Analyse(context.Background(), fx.env, fx.target, fx.doc)

	if st.Status != facts.StatusOK || fx.doc.Credentials.Status != facts.StatusOK {
		t.Errorf("status = %+v / %s, want ok", st, fx.doc.Credentials.Status)
	}
	wantAccepted(t, fx.doc, AccountSystemManagerDefault, true)
	wantAccepted(t, fx.doc, AccountSystemManagerBlank, false)
	wantSkipped(t, fx.doc, AccountAdministratorDefault, "user name and password")
	wantSkipped(t, fx.doc, AccountMeapSMSDefault, "MEAP SMS page not found")
	wantAccepted(t, fx.doc, AccountFTPAnonymous, true)
	for _, acc := range []string{AccountSystemManagerDefault, AccountSystemManagerBlank} {
		if n := hits.get(acc); n != 1 {
			t.Errorf("%s tried %d times, want 1", acc, n)
		}
	}
	if n := hits.get("logout"); n != 1 {
		t.Errorf("logout called %d times after the accepted login, want 1", n)
	}
	if got := checkOf(t, fx.doc, AccountSystemManagerDefault).Port; got != port {
		t.Errorf("port = %d, want %d", got, port)
	}
	if cmds := ftp.seen(); !slices.Equal(cmds, []string{"USER", "PASS", "QUIT"}) {
		t.Errorf("ftp commands = %v, want USER PASS QUIT", cmds)
	}
	if !strings.Contains(fx.logBuf.String(), "default credential accepted") {
		t.Errorf("accepted login not logged: %s", fx.logBuf.String())
	}
	assertNoSecrets(t, fx)
}

func TestMFNothingAccepted(t *testing.T) {
	fx, hits, ftp, _ := mfWithFTP(t, true, nil, false)

	New().Analyse(context.Background(), fx.env, fx.target, fx.doc)

	wantAccepted(t, fx.doc, AccountSystemManagerDefault, false)
	wantAccepted(t, fx.doc, AccountSystemManagerBlank, false)
	wantAccepted(t, fx.doc, AccountFTPAnonymous, false)
	if n := hits.get("logout"); n != 0 {
		t.Errorf("logout called %d times without a session", n)
	}
	if n := ftp.conns.get("conn"); n != 1 {
		t.Errorf("ftp connections = %d, want 1", n)
	}
	assertNoSecrets(t, fx)
}

func TestMFBlankPINAccepted(t *testing.T) {
	srv, _ := fakeCanon(t, false, map[string]bool{AccountSystemManagerBlank: true})
	port := serverPort(t, srv)
	fx := newFixture(true, []facts.HTTPService{mfService(port, false)}, map[int]string{port: collectors.RoleHTTP})

	New().Analyse(context.Background(), fx.env, fx.target, fx.doc)

	wantAccepted(t, fx.doc, AccountSystemManagerDefault, false)
	wantAccepted(t, fx.doc, AccountSystemManagerBlank, true)
	wantSkipped(t, fx.doc, AccountFTPAnonymous, "no open FTP port")
}

func TestIRADVSystemManager(t *testing.T) {
	for _, accept := range []bool{true, false} {
		srv, hits := fakeCanon(t, false, map[string]bool{AccountSystemManagerDefault: accept})
		port := serverPort(t, srv)
		fx := newFixture(true, []facts.HTTPService{iradvService(port, false, facts.LoginModeNone, "portal_title")},
			map[int]string{port: collectors.RoleHTTP})

		New().Analyse(context.Background(), fx.env, fx.target, fx.doc)

		wantAccepted(t, fx.doc, AccountSystemManagerDefault, accept)
		wantSkipped(t, fx.doc, AccountSystemManagerBlank, "MF/LBP")
		wantSkipped(t, fx.doc, AccountAdministratorDefault, "user name and password")
		if n := hits.get(AccountSystemManagerDefault); n != 1 {
			t.Errorf("accept=%v: system manager tried %d times, want 1", accept, n)
		}
		if n := hits.total(); n != 1 {
			t.Errorf("accept=%v: %d requests, want exactly the one login", accept, n)
		}
		assertNoSecrets(t, fx)
	}
}

func TestIRADVGen3Administrator(t *testing.T) {
	for _, accept := range []bool{true, false} {
		srv, hits := fakeCanon(t, true, map[string]bool{AccountAdministratorDefault: accept})
		port := serverPort(t, srv)
		fx := newFixture(true,
			[]facts.HTTPService{iradvService(port, true, facts.LoginModeUserPassword, "deptid_form", "user_type_generic")},
			map[int]string{port: collectors.RoleHTTPS})

		New().Analyse(context.Background(), fx.env, fx.target, fx.doc)

		wantAccepted(t, fx.doc, AccountAdministratorDefault, accept)
		wantSkipped(t, fx.doc, AccountSystemManagerDefault, "user name and password")
		if n := hits.get(AccountAdministratorDefault); n != 1 {
			t.Errorf("accept=%v: administrator tried %d times, want 1", accept, n)
		}
		assertNoSecrets(t, fx)
	}
}

// TestPrefersTLSPort: the same UI on a plain and a TLS port is logged into
// once, over TLS.
func TestPrefersTLSPort(t *testing.T) {
	plain, plainHits := fakeCanon(t, false, map[string]bool{AccountSystemManagerDefault: true})
	secure, tlsHits := fakeCanon(t, true, map[string]bool{AccountSystemManagerDefault: true})
	pp, tp := serverPort(t, plain), serverPort(t, secure)
	fx := newFixture(true, []facts.HTTPService{mfService(pp, false), mfService(tp, true)},
		map[int]string{pp: collectors.RoleHTTP, tp: collectors.RoleHTTPS})

	New().Analyse(context.Background(), fx.env, fx.target, fx.doc)

	wantAccepted(t, fx.doc, AccountSystemManagerDefault, true)
	if plainHits.get(AccountSystemManagerDefault) != 0 || tlsHits.get(AccountSystemManagerDefault) != 1 {
		t.Errorf("plain got %d, tls got %d logins; want 0 and 1",
			plainHits.get(AccountSystemManagerDefault), tlsHits.get(AccountSystemManagerDefault))
	}
}

func TestAtMostOncePerAccount(t *testing.T) {
	srv, hits := fakeCanon(t, false, nil)
	ftp := startFTP(t, false, false)
	port := serverPort(t, srv)
	roles := map[int]string{port: collectors.RoleHTTP, ftp.port(): collectors.RoleFTP}
	a := New()

	first := newFixture(true, []facts.HTTPService{mfService(port, false)}, roles)
	a.Analyse(context.Background(), first.env, first.target, first.doc)
	second := newFixture(true, []facts.HTTPService{mfService(port, false)}, roles)
	st := a.Analyse(context.Background(), second.env, second.target, second.doc)

	for _, acc := range []string{AccountSystemManagerDefault, AccountSystemManagerBlank} {
		if n := hits.get(acc); n != 1 {
			t.Errorf("%s tried %d times over two calls, want 1", acc, n)
		}
		wantSkipped(t, second.doc, acc, "already tried")
	}
	if n := ftp.conns.get("conn"); n != 1 {
		t.Errorf("ftp connections over two calls = %d, want 1", n)
	}
	wantSkipped(t, second.doc, AccountFTPAnonymous, "already tried")
	if st.Status != facts.StatusSkipped || second.doc.Credentials.Status != facts.StatusSkipped {
		t.Errorf("second call status = %+v, want skipped (no check ran)", st)
	}

	// A new analyser is a new scan: it may try again.
	third := newFixture(true, []facts.HTTPService{mfService(port, false)}, roles)
	New().Analyse(context.Background(), third.env, third.target, third.doc)
	if n := hits.get(AccountSystemManagerDefault); n != 2 {
		t.Errorf("after a new scan: tried %d times, want 2", n)
	}
}

func TestMeapSMSOnlyWithEvidence(t *testing.T) {
	srv, hits := fakeCanon(t, false, map[string]bool{AccountMeapSMSDefault: true})
	port := serverPort(t, srv)
	svc := iradvService(port, false, facts.LoginModeNone)
	svc.Pages = []facts.PageProbe{{Path: "/sms/", StatusCode: 200}}
	fx := newFixture(true, []facts.HTTPService{svc}, map[int]string{port: collectors.RoleHTTP})

	New().Analyse(context.Background(), fx.env, fx.target, fx.doc)

	wantAccepted(t, fx.doc, AccountMeapSMSDefault, true)
	if n := hits.get(AccountMeapSMSDefault); n != 1 {
		t.Errorf("MEAP SMS tried %d times, want 1", n)
	}
	assertNoSecrets(t, fx)
}

func TestFTPNoPasswordNeeded(t *testing.T) {
	ftp := startFTP(t, true, true)
	fx := newFixture(true, nil, map[int]string{ftp.port(): collectors.RoleFTP})

	st := New().Analyse(context.Background(), fx.env, fx.target, fx.doc)

	wantAccepted(t, fx.doc, AccountFTPAnonymous, true)
	wantSkipped(t, fx.doc, AccountSystemManagerDefault, "no Canon Remote UI")
	if cmds := ftp.seen(); !slices.Equal(cmds, []string{"USER", "QUIT"}) {
		t.Errorf("ftp commands = %v, want USER QUIT", cmds)
	}
	if st.Status != facts.StatusOK {
		t.Errorf("status = %+v, want ok", st)
	}
}

// silentServer accepts connections and never answers, or floods; it stands
// for a hung or hostile device.
func silentServer(t *testing.T, flood bool) int {
	t.Helper()
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	return testnet.Serve(t, "127.0.0.1:0", func(c net.Conn) {
		if !flood {
			<-done
			return
		}
		line := []byte(strings.Repeat("220-", 256))
		for i := 0; i < 1<<12; i++ {
			if _, err := c.Write(line); err != nil {
				return
			}
		}
	}).Port
}

func TestHungAndHostileDevices(t *testing.T) {
	hung := silentServer(t, false)
	flood := silentServer(t, true)
	tests := []struct {
		name       string
		services   []facts.HTTPService
		roles      map[int]string
		account    string
		wantStatus facts.Status
	}{
		{"ftp silent", nil, map[int]string{hung: collectors.RoleFTP}, AccountFTPAnonymous, facts.StatusTimeout},
		{"ftp flood", nil, map[int]string{flood: collectors.RoleFTP}, AccountFTPAnonymous, facts.StatusError},
		{"http silent", []facts.HTTPService{mfService(hung, false)}, map[int]string{hung: collectors.RoleHTTP}, AccountSystemManagerDefault, facts.StatusTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newFixture(true, tt.services, tt.roles)
			fx.env.Options.Timeout = 300 * time.Millisecond
			start := time.Now()
			New().Analyse(context.Background(), fx.env, fx.target, fx.doc)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v, want bounded by the timeout", d)
			}
			c := checkOf(t, fx.doc, tt.account)
			if c.Status != tt.wantStatus || c.Accepted != nil {
				t.Errorf("check = %+v, want status %s and no verdict", c, tt.wantStatus)
			}
		})
	}
}
