package lab

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Credentials the simulated devices accept. The factory and small-office
// profiles keep Canon's shipped System Manager ID/PIN; the hardened profile
// has its own account and a fixed one-time password so tests can walk both
// login steps.
const (
	DefaultSystemManagerID  = "7654321"
	DefaultSystemManagerPIN = "7654321"
	HardenedUser            = "Administrator"
	HardenedPassword        = "lab-Hardened-2025"
	HardenedOTP             = "246810"
)

const maxFormBytes = 8 << 10

// handler returns the HTTP handler for one listener of the device.
func (d *deviceRuntime) handler(svc service) http.Handler {
	var h http.Handler
	switch svc {
	case svcRedirect:
		h = http.HandlerFunc(d.redirectToHTTPS)
	case svcIPP, svcIPPS:
		h = http.HandlerFunc(d.serveIPP)
	default:
		switch d.p.web {
		case webCatwalk:
			h = d.catwalkMux()
		case webHardened:
			h = d.hardenedMux()
		case webCanonMF:
			h = d.canonMFMux()
		case webHP:
			h = http.HandlerFunc(d.serveHP)
		default:
			h = http.HandlerFunc(serveNginx)
		}
	}
	tlsPort := svc == svcHTTPS || svc == svcIPPS
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", d.serverHeader())
		if tlsPort && d.p.tls != nil && d.p.tls.hsts {
			w.Header().Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		h.ServeHTTP(w, r)
	})
}

func (d *deviceRuntime) serverHeader() string {
	switch d.p.web {
	case webCatwalk, webHardened:
		return "Catwalk"
	case webCanonMF:
		return "CANON HTTP Server"
	case webHP:
		return "HP HTTP Server; " + d.p.id.model + " - 1PV87A; Serial Number: " + d.p.id.serial + "; Built: Tue May 13, 2025 10:21:33AM {2506116_000184}"
	}
	return "nginx/1.24.0"
}

func (d *deviceRuntime) webModel() string {
	if d.p.id.webModel != "" {
		return d.p.id.webModel
	}
	return d.p.id.model
}

// redirectToHTTPS sends every request to the device's TLS Remote UI, keeping
// the port shift of a lab run with a port offset.
func (d *deviceRuntime) redirectToHTTPS(w http.ResponseWriter, r *http.Request) {
	target := "https://" + d.p.addr.String() + "/"
	if port := d.httpsPort(r); port != 443 {
		target = "https://" + net.JoinHostPort(d.p.addr.String(), strconv.Itoa(port)) + "/"
	}
	http.Redirect(w, r, target, http.StatusMovedPermanently)
}

// httpsPort derives the shifted 443 from the port this request came in on
// (80 + offset), so the handler needs no copy of the offset.
func (d *deviceRuntime) httpsPort(r *http.Request) int {
	addr, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return 443
	}
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return 443
	}
	return tcp.Port - 80 + 443
}

func writePage(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// parseForm reads a small urlencoded body; devices answer oversized posts
// with an error rather than buffering them.
func parseForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "Bad Request", http.StatusBadRequest)
		return false
	}
	return true
}

// sessionStore keeps the lab's login sessions, bounded so a client looping
// on the login form cannot grow memory.
type sessionStore struct {
	mu sync.Mutex
	m  map[string]sessionState
}

type sessionState struct {
	stage   string // "otp" (password given, code pending) or "in"
	expires time.Time
}

const (
	maxSessions = 256
	sessionTTL  = 10 * time.Minute
)

func newSessionStore() *sessionStore { return &sessionStore{m: map[string]sessionState{}} }

func (s *sessionStore) create(stage string) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) >= maxSessions {
		for k, v := range s.m {
			if now.After(v.expires) || len(s.m) >= maxSessions {
				delete(s.m, k)
			}
		}
	}
	s.m[tok] = sessionState{stage: stage, expires: now.Add(sessionTTL)}
	return tok
}

func (s *sessionStore) stage(r *http.Request, cookie string) string {
	c, err := r.Cookie(cookie)
	if err != nil {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.m[c.Value]
	if !ok || time.Now().After(st.expires) {
		return ""
	}
	return st.stage
}

func (s *sessionStore) drop(r *http.Request, cookie string) {
	if c, err := r.Cookie(cookie); err == nil {
		s.mu.Lock()
		delete(s.m, c.Value)
		s.mu.Unlock()
	}
}

// serveHP is a minimal HP Embedded Web Server home page.
func (d *deviceRuntime) serveHP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" && r.URL.Path != "/hp/device/DeviceStatus/Index" {
		writePage(w, http.StatusNotFound, "<html><head><title>Page Not Found</title></head><body>The requested page was not found.</body></html>")
		return
	}
	m := html.EscapeString(d.p.id.model)
	writePage(w, http.StatusOK, fmt.Sprintf(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>%s</title></head>
<body class="hp-ews"><div id="pgHeader"><span id="ProductName">%s</span> HP Embedded Web Server</div>
<div id="DeviceStatus"><h1>Device Status</h1><p>Ready</p>
<p>Serial Number: <span id="SerialNumber">%s</span></p>
<p>Firmware Datecode: <span id="FirmwareVersion">%s</span></p></div>
<footer>&copy; Copyright 2025 HP Development Company, L.P.</footer></body></html>
`, m, m, html.EscapeString(d.p.id.serial), html.EscapeString(d.p.id.firmware)))
}

const nginxWelcome = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto; font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>
<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`

func serveNginx(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" && r.URL.Path != "/index.html" {
		writePage(w, http.StatusNotFound, "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n")
		return
	}
	writePage(w, http.StatusOK, nginxWelcome)
}
