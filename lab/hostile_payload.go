package lab

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/OpenPrinting/goipp"
)

// payloadHandler serves the hostile-payloads device: the normal FTP dialogue
// with a payload banner, a Remote UI look-alike whose page and headers are
// not escaped, the same over TLS with a payload certificate, and IPP whose
// make and model is a payload.
func (h *hostileDevice) payloadHandler(port int) func(net.Conn) {
	switch port {
	case 21:
		return h.dev.serveFTP
	case 443:
		cert := &payloadCert{now: h.dev.now}
		cfg := &tls.Config{GetCertificate: cert.get, MinVersion: tls.VersionTLS12}
		return func(c net.Conn) {
			tc := tls.Server(c, cfg)
			_ = tc.SetDeadline(time.Now().Add(streamIdle))
			if tc.Handshake() != nil {
				return
			}
			h.servePayloadPage(tc, "Server: "+payloadHeaderField(3)+"\r\n")
		}
	case 631:
		return h.servePayloadIPP
	case 8000:
		// Control bytes in a header: clients must refuse the response
		// rather than store the escape sequence.
		return func(c net.Conn) { h.servePayloadPage(c, "Server: Catwalk "+PayloadANSI+"\r\n") }
	}
	return func(c net.Conn) { h.servePayloadPage(c, "Server: "+payloadHeaderField(3)+"\r\n") }
}

// servePayloadPage answers any path with a Canon-looking portal whose
// title and body carry the payloads raw, as a vulnerable web UI would.
func (h *hostileDevice) servePayloadPage(c net.Conn, header string) {
	req, err := readHead(c)
	if err != nil {
		return
	}
	h.c.requests.Add(1)
	status := "200 OK"
	if req.path != "/" {
		status = "404 Not Found"
	}
	body := `<!DOCTYPE html><html><head><meta charset="UTF-8"><title>Remote UI : Portal : ` + payloadField(2) +
		`</title></head><body><div id="deviceInfo"><span id="deviceName">` + payloadField(0) +
		`</span></div>` + canonFooter + `</body></html>`
	_ = writeAll(c, httpResponse(status, "text/html; charset=utf-8", header, body))
}

func (h *hostileDevice) servePayloadIPP(c net.Conn) {
	req, err := readHead(c)
	if err != nil {
		return
	}
	h.c.requests.Add(1)
	out, err := h.dev.ippResponse(req.body, false).EncodeBytes()
	if err != nil {
		return
	}
	_ = writeAll(c, httpResponse("200 OK", goipp.ContentType, "", string(out)))
}

// payloadCert makes the payload certificate on first use; an error fails
// the handshake instead of Start.
type payloadCert struct {
	now  func() time.Time
	once sync.Once
	cert *tls.Certificate
	err  error
}

func (p *payloadCert) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	p.once.Do(func() { p.cert, p.err = newPayloadCert(p.now()) })
	return p.cert, p.err
}

// newPayloadCert issues a self-signed certificate whose subject CN and O
// are payloads. They are T61Strings, which may hold any byte (Go reads them
// as Latin-1), so the escape and non-UTF-8 bytes reach the client; a
// UTF8String with them would not even be encoded.
func newPayloadCert(now time.Time) (*tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate payload key: %w", err)
	}
	t61 := func(s string) asn1.RawValue { return asn1.RawValue{Tag: asn1.TagT61String, Bytes: []byte(s)} }
	subject, err := asn1.Marshal(pkix.RDNSequence{
		{{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: t61(payloadField(4))}},
		{{Type: asn1.ObjectIdentifier{2, 5, 4, 10}, Value: t61(payloadField(1))}},
	})
	if err != nil {
		return nil, fmt.Errorf("encode payload subject: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		RawSubject:   subject,
		NotBefore:    now.Add(-24 * time.Hour),
		NotAfter:     now.AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("create payload certificate: %w", err)
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
