package collectors

import (
	"crypto/tls"
	"net/http"
	"time"
)

// DefaultTimeout bounds one exchange (a connect, a request, a reply) when
// Options.Timeout is not set; the engine, Env and every collector use it.
// 3 s leaves room for the slow RSA handshakes of old Remote UIs; the CLI
// always sets Options.Timeout from --timeout.
const DefaultTimeout = 3 * time.Second

// Timeout is the bound of one network exchange for this run.
func (e *Env) Timeout() time.Duration {
	if e.Options.Timeout > 0 {
		return e.Options.Timeout
	}
	return DefaultTimeout
}

// HTTPClient returns a client for talking to the device: it dials only
// through the engine's Dialer, keeps no connection alive, follows no
// redirect by itself (a redirect is often the fact being collected), and
// does not verify certificates — collectors inspect devices, they do not
// trust them. Old Remote UIs speak only TLS 1.0, so it is allowed.
func (e *Env) HTTPClient() *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			DialContext:            e.Dialer.DialContext,
			TLSClientConfig:        &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10}, //nolint:gosec // inspection, not trust
			DisableKeepAlives:      true,
			ResponseHeaderTimeout:  e.Timeout(),
			TLSHandshakeTimeout:    e.Timeout(),
			MaxResponseHeaderBytes: 64 << 10,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
