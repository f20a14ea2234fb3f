package lab

import (
	"bufio"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// Limits of the hostile TCP behaviours: they misbehave towards the client
// but must still end when the client goes or the fleet closes.
const (
	maxHeadBytes  = 8 << 10
	maxBodyDrain  = 64 << 10
	hostileWrite  = 10 * time.Second // per write, so a stuck client frees the goroutine
	oneGiB        = 1 << 30
	dripInterval  = time.Second
	garbageLength = 4 << 10
)

// httpHead is the part of a request the hostile servers look at.
type httpHead struct {
	method, path string
	body         []byte // at most maxBodyDrain, read so closing does not reset the reply
}

// readHead reads one HTTP request head (and a small body) from c. Raw
// servers are used instead of net/http so the bytes on the wire are exactly
// the broken ones the profile wants.
func readHead(c net.Conn) (httpHead, error) {
	_ = c.SetReadDeadline(time.Now().Add(streamIdle))
	r := bufio.NewReaderSize(io.LimitReader(c, maxHeadBytes+maxBodyDrain), 1024)
	line, err := r.ReadString('\n')
	if err != nil {
		return httpHead{}, fmt.Errorf("read request line: %w", err)
	}
	parts := strings.Fields(line)
	if len(parts) != 3 || !strings.HasPrefix(parts[2], "HTTP/") {
		return httpHead{}, errors.New("read request line: not HTTP")
	}
	h := httpHead{method: parts[0], path: parts[1]}
	length := 0
	for range 100 {
		l, err := r.ReadString('\n')
		if err != nil {
			return httpHead{}, fmt.Errorf("read header: %w", err)
		}
		l = strings.TrimRight(l, "\r\n")
		if l == "" {
			break
		}
		k, v, _ := strings.Cut(l, ":")
		if strings.EqualFold(strings.TrimSpace(k), "Content-Length") {
			length, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	if length > 0 {
		h.body = make([]byte, min(length, maxBodyDrain))
		if _, err := io.ReadFull(r, h.body); err != nil {
			return httpHead{}, fmt.Errorf("read body: %w", err)
		}
	}
	return h, nil
}

func writeAll(c net.Conn, b []byte) error {
	_ = c.SetWriteDeadline(time.Now().Add(hostileWrite))
	_, err := c.Write(b)
	return err
}

// httpResponse renders a complete response; extra holds header lines, each
// ending in CRLF.
func httpResponse(status, contentType, extra, body string) []byte {
	return []byte("HTTP/1.1 " + status + "\r\n" + extra +
		"Content-Type: " + contentType + "\r\nContent-Length: " + strconv.Itoa(len(body)) +
		"\r\nConnection: close\r\n\r\n" + body)
}

// serveTarpit accepts and never answers; it drains what the client sends
// (to /dev/null) so the client never blocks on its own writes, and returns
// when the client or the fleet closes the connection.
func serveTarpit(c net.Conn) {
	_, _ = io.Copy(io.Discard, c)
}

// slowlorisHandler sends prefix, then filler forever, one byte per second.
func slowlorisHandler(port int) func(net.Conn) {
	prefix, filler := "HTTP/1.1 200 OK\r\nServer: Catwalk\r\n", "X-Slow: 1\r\n"
	switch port {
	case 21:
		prefix, filler = "220-Canon iR-ADV FTP Print Server\r\n", "220-wait\r\n"
	case 443, 8443:
		// A handshake record announcing 16 KiB whose ServerHello never ends.
		prefix, filler = "\x16\x03\x03\x40\x00\x02\x00\x3f\xfc\x03\x03", "\x00"
	}
	return func(c net.Conn) { drip(c, prefix, filler) }
}

// drip writes one byte per dripInterval until a write fails. Between bytes
// it reads (and discards) from the client, which is also how it notices
// the connection closing without sleeping blindly.
func drip(c net.Conn, prefix, filler string) {
	buf := make([]byte, 512)
	next := time.Now()
	for i := 0; ; i++ {
		for time.Now().Before(next) {
			_ = c.SetReadDeadline(next)
			if _, err := c.Read(buf); err != nil && !isTimeout(err) {
				return
			}
		}
		var b byte
		if i < len(prefix) {
			b = prefix[i]
		} else {
			b = filler[(i-len(prefix))%len(filler)]
		}
		if writeAll(c, []byte{b}) != nil {
			return
		}
		next = time.Now().Add(dripInterval)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// bigBodyHandler streams bodies that never end (80), or announce 1 GiB
// (8000, and an IPP reply on 631). The buffer is reused: the device
// allocates nothing per byte it sends.
func (h *hostileDevice) bigBodyHandler(port int) func(net.Conn) {
	return func(c net.Conn) {
		if _, err := readHead(c); err != nil {
			return
		}
		h.c.requests.Add(1)
		var head string
		limit := int64(oneGiB)
		switch port {
		case 80:
			head = "HTTP/1.1 200 OK\r\nServer: Catwalk\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n" +
				"<html><head><title>Remote UI : Portal : iR-ADV C5535</title></head><body>"
			limit = 1 << 62 // endless: the connection ends when the client goes
		case 631:
			head = "HTTP/1.1 200 OK\r\nContent-Type: application/ipp\r\nContent-Length: " + strconv.Itoa(oneGiB) + "\r\n\r\n" +
				"\x02\x00\x00\x00\x00\x00\x00\x01\x04"
		default:
			head = "HTTP/1.1 200 OK\r\nServer: Catwalk\r\nContent-Type: text/html\r\nContent-Length: " + strconv.Itoa(oneGiB) + "\r\n\r\n"
		}
		if writeAll(c, []byte(head)) != nil {
			return
		}
		streamFiller(c, limit-int64(len(head)))
	}
}

func streamFiller(c net.Conn, limit int64) {
	chunk := []byte(strings.Repeat("<!-- mfpscan lab big body -->\n", 1024))
	for sent := int64(0); sent < limit; {
		n := min(int64(len(chunk)), limit-sent)
		if writeAll(c, chunk[:n]) != nil {
			return
		}
		sent += n
	}
}

// redirectHandler: 80 loops /a -> /b -> /a; 8000 sends an absolute and 8080
// a scheme-relative Location on another host, the canary.
func (h *hostileDevice) redirectHandler(port int) func(net.Conn) {
	return func(c net.Conn) {
		req, err := readHead(c)
		if err != nil {
			return
		}
		h.c.requests.Add(1)
		var loc string
		switch port {
		case 8000:
			loc = "http://" + h.canaryHostPort() + "/canary"
		case 8080:
			loc = "//" + h.canaryHostPort() + "/canary-relative"
		default:
			loc = "/a"
			if req.path == "/a" {
				loc = "/b"
			}
		}
		_ = writeAll(c, httpResponse("302 Found", "text/html", "Server: Catwalk\r\nLocation: "+loc+"\r\n", ""))
	}
}

// serveTLSGarbage answers a TLS client with random bytes that are not a TLS
// record, then drains until the client leaves.
func serveTLSGarbage(c net.Conn) {
	b := make([]byte, garbageLength)
	_, _ = rand.Read(b)
	// Not 0x14-0x17, so the garbage never starts like a real record.
	b[0] = 'G'
	if writeAll(c, b) != nil {
		return
	}
	serveTarpit(c)
}

// serveTruncatedTLS waits for the ClientHello, answers with a handshake
// record whose ServerHello stops half-way, and then says nothing more.
func serveTruncatedTLS(c net.Conn) {
	_ = c.SetReadDeadline(time.Now().Add(streamIdle))
	hdr := make([]byte, 5)
	if _, err := io.ReadFull(c, hdr); err != nil {
		return
	}
	// Record of 0x4a bytes announced; ServerHello of 0x46 announced; only
	// the version and part of the random follow.
	partial := []byte{0x16, 0x03, 0x03, 0x00, 0x4a, 0x02, 0x00, 0x00, 0x46, 0x03, 0x03, 0xde, 0xad, 0xbe, 0xef}
	if writeAll(c, partial) != nil {
		return
	}
	_ = c.SetReadDeadline(time.Time{})
	serveTarpit(c)
}
