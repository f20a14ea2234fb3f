package creds

import (
	"bufio"
	"bytes"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/collectors/collectortest"
	"github.com/mfpscan/mfpscan/facts"
)

// The values the fakes accept. They are spelled out here, not taken from
// the package constants, so a wrong constant fails the tests.
const (
	fakeDefaultPIN  = "7654321"
	fakeMeapSMSPass = "MeapSmsLogin"
)

// counter counts requests by label, server side.
type counter struct {
	mu sync.Mutex
	m  map[string]int
}

func (c *counter) add(label string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]int{}
	}
	c.m[label]++
}

func (c *counter) get(label string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[label]
}

func (c *counter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.m {
		n += v
	}
	return n
}

const loginFormHTML = `<html><head><title>Remote UI: Login</title></head><body><form method="post">
<p class="error">The System Manager ID or PIN is incorrect.</p>
<input type="password" name="i0016"></form></body></html>`

// fakeCanon mimics the Canon Remote UI login endpoints of reference §3.3.
// accept selects which accounts the device lets in.
func fakeCanon(t *testing.T, useTLS bool, accept map[string]bool) (*httptest.Server, *counter) {
	t.Helper()
	var c counter
	mux := http.NewServeMux()
	mux.HandleFunc("POST /checkLogin.cgi", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		f := r.PostForm
		acc := AccountSystemManagerDefault
		if f.Get("i0016") == "" {
			acc = AccountSystemManagerBlank
		}
		c.add(acc)
		ok := f.Get("i0012") == "1" && (acc == AccountSystemManagerBlank ||
			f.Get("i0014") == fakeDefaultPIN && f.Get("i0016") == fakeDefaultPIN)
		if !ok || !accept[acc] {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte(loginFormHTML))
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "sessid", Value: "s-" + acc, Path: "/"})
		http.Redirect(w, r, "/portal_top.html", http.StatusFound)
	})
	mux.HandleFunc("GET /logout.cgi", func(w http.ResponseWriter, r *http.Request) {
		if ck, err := r.Cookie("sessid"); err == nil && strings.HasPrefix(ck.Value, "s-") {
			c.add("logout")
		}
		http.Redirect(w, r, "/", http.StatusFound)
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		f := r.PostForm
		if f.Get("user_type_generic") == "true" {
			c.add(AccountAdministratorDefault)
			if accept[AccountAdministratorDefault] && f.Get("deptid") == "Administrator" && f.Get("password") == fakeDefaultPIN {
				http.SetCookie(w, &http.Cookie{Name: "sessionid", Value: "gen3", Path: "/"})
				_, _ = w.Write([]byte(`<title>Remote UI : Portal : iR-ADV C3325</title><script>document.writeln('Log Out');</script>`))
				return
			}
			_, _ = w.Write([]byte(`<form><input type="password" name="password"></form>`))
			return
		}
		c.add(AccountSystemManagerDefault)
		if accept[AccountSystemManagerDefault] && f.Get("uri") == "/" && f.Get("deptid") == fakeDefaultPIN && f.Get("password") == fakeDefaultPIN {
			http.SetCookie(w, &http.Cookie{Name: "sessionid", Value: "gen2", Path: "/"})
			http.Redirect(w, r, "/rps/nativetop.cgi", http.StatusFound)
			return
		}
		_, _ = w.Write([]byte(`<p>The Department ID or PIN is incorrect.</p><input type="password" name="password">`))
	})
	mux.HandleFunc("POST /sms/", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		c.add(AccountMeapSMSDefault)
		if accept[AccountMeapSMSDefault] && r.PostForm.Get("password") == fakeMeapSMSPass {
			http.Redirect(w, r, "/sms/top", http.StatusFound)
			return
		}
		http.Redirect(w, r, "/sms/login?error=1", http.StatusFound)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		c.add("other " + r.Method + " " + r.URL.Path)
		http.NotFound(w, r)
	})
	var srv *httptest.Server
	if useTLS {
		srv = httptest.NewTLSServer(mux)
	} else {
		srv = httptest.NewServer(mux)
	}
	t.Cleanup(srv.Close)
	return srv, &c
}

// fakeFTP is an FTP greeter on 127.0.0.1:0. anonymous selects whether the
// anonymous login is accepted; every command seen is recorded.
type fakeFTP struct {
	ln        net.Listener
	anonymous bool
	noPass    bool // answer 230 straight after USER
	conns     counter
	mu        sync.Mutex
	commands  []string
	wg        sync.WaitGroup
}

func startFTP(t *testing.T, anonymous, noPass bool) *fakeFTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	f := &fakeFTP{ln: ln, anonymous: anonymous, noPass: noPass}
	f.wg.Add(1)
	go f.serve()
	t.Cleanup(func() {
		_ = ln.Close()
		f.wg.Wait()
	})
	return f
}

func (f *fakeFTP) port() int { return f.ln.Addr().(*net.TCPAddr).Port }

func (f *fakeFTP) seen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.commands...)
}

func (f *fakeFTP) serve() {
	defer f.wg.Done()
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		f.conns.add("conn")
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			f.session(c)
		}()
	}
}

func (f *fakeFTP) session(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	w := func(s string) { _, _ = c.Write([]byte(s + "\r\n")) }
	w("220-Canon iR-ADV C5535 FTP Print Server V1.40\r\n220 ready.")
	r := bufio.NewReader(c)
	for range 16 {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb, arg, _ := strings.Cut(line, " ")
		f.mu.Lock()
		f.commands = append(f.commands, verb)
		f.mu.Unlock()
		switch strings.ToUpper(verb) {
		case "USER":
			switch {
			case arg != "anonymous":
				w("530 Not allowed.")
			case f.anonymous && f.noPass:
				w("230-Welcome.\r\n230 Logged in.")
			default:
				w("331 Password required.")
			}
		case "PASS":
			if f.anonymous {
				w("230 Login successful.")
			} else {
				w("530 Login incorrect.")
			}
		case "QUIT":
			w("221 Goodbye.")
			return
		default:
			w("530 Please login with USER and PASS.")
		}
	}
}

// fixture is one simulated device: its target, merged facts and the
// environment the engine would pass.
type fixture struct {
	target *collectors.Target
	doc    *facts.Device
	env    *collectors.Env
	logBuf *bytes.Buffer
}

func serverPort(t *testing.T, srv *httptest.Server) int {
	t.Helper()
	_, p, err := net.SplitHostPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatalf("split: %v", err)
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		t.Fatalf("port: %v", err)
	}
	return n
}

// newFixture builds a printer on 127.0.0.1 with the given HTTP facts and
// open ports (port → role).
func newFixture(optIn bool, services []facts.HTTPService, roles map[int]string) *fixture {
	t := collectortest.Target(roles)
	doc := &facts.Device{
		SchemaVersion: facts.SchemaVersion,
		Address:       "127.0.0.1",
		Identity:      facts.Identity{IsPrinter: facts.Bool(true), DeviceID: "address:127.0.0.1"},
		HTTP:          services,
		Collectors:    map[string]facts.CollectorStatus{},
	}
	buf := &bytes.Buffer{}
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: buf}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	env := &collectors.Env{
		Dialer:  collectors.NewDialer(2*time.Second, 2),
		Options: collectors.Options{Timeout: 2 * time.Second, CheckDefaultCredentials: optIn},
		Log:     log,
	}
	return &fixture{target: t, doc: doc, env: env, logBuf: buf}
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// mfWithFTP is an MF device: its Remote UI on plain HTTP at port, accepting
// the accounts in accept, beside an FTP server that lets anonymous in or not.
func mfWithFTP(t *testing.T, optIn bool, accept map[string]bool, anonymous bool) (fx *fixture, hits *counter, ftp *fakeFTP, port int) {
	t.Helper()
	srv, hits := fakeCanon(t, false, accept)
	ftp = startFTP(t, anonymous, false)
	port = serverPort(t, srv)
	fx = newFixture(optIn, []facts.HTTPService{mfService(port, false)},
		map[int]string{port: collectors.RoleHTTP, ftp.port(): collectors.RoleFTP})
	return fx, hits, ftp, port
}

func mfService(port int, tls bool) facts.HTTPService {
	return facts.HTTPService{
		Port: port, TLS: tls, Status: facts.StatusOK, StatusCode: 200, CanonRemoteUI: true,
		LoginMode: facts.LoginModeSystemManager,
		Markers:   []string{"server_canon_http", "title_remote_ui", "path_checklogin", "checklogin_form"},
	}
}

func iradvService(port int, tls bool, mode string, extra ...string) facts.HTTPService {
	return facts.HTTPService{
		Port: port, TLS: tls, Status: facts.StatusOK, StatusCode: 200, CanonRemoteUI: true,
		LoginMode: mode,
		Markers:   append([]string{"server_catwalk", "title_remote_ui", "body_meap_service"}, extra...),
	}
}
