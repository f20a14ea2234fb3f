package lab

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"
)

// deviceRuntime is the live state of one simulated device.
type deviceRuntime struct {
	p         plannedDevice
	tlsConfig *tls.Config // nil when the profile has no TLS
	agent     *snmpAgent  // nil when the profile has no SNMP
	sessions  *sessionStore
	now       func() time.Time
}

func newDeviceRuntime(p plannedDevice, cert *tls.Certificate, now func() time.Time) *deviceRuntime {
	d := &deviceRuntime{p: p, sessions: newSessionStore(), now: now}
	if cert != nil && p.tls != nil {
		d.tlsConfig = serverTLSConfig(p.tls, *cert)
	}
	if p.snmp != nil {
		d.agent = newSNMPAgent(p, now)
	}
	return d
}

type certMaterial struct {
	ca    *labCA
	certs []*tls.Certificate // parallel to the plan; nil without TLS
}

// makeCerts generates every key of the fleet concurrently: RSA 2048
// generation dominates Start's run time.
func makeCerts(plan []plannedDevice, now time.Time) (certMaterial, error) {
	ca, err := newLabCA(now)
	if err != nil {
		return certMaterial{}, err
	}
	out := certMaterial{ca: ca, certs: make([]*tls.Certificate, len(plan))}
	errs := make([]error, len(plan))
	var wg sync.WaitGroup
	for i, p := range plan {
		if p.tls == nil {
			continue
		}
		wg.Go(func() {
			key, err := generateKey(p.tls.key)
			if err != nil {
				errs[i] = fmt.Errorf("make certificate for %s: %w", p.devName, err)
				return
			}
			c, err := deviceCert(p.tls, key, p.addr, ca, now)
			if err != nil {
				errs[i] = fmt.Errorf("make certificate for %s: %w", p.devName, err)
				return
			}
			out.certs[i] = &c
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return certMaterial{}, err
	}
	return out, nil
}

func newTLSListener(ln net.Listener, cfg *tls.Config) net.Listener {
	return tls.NewListener(ln, cfg)
}

// Limits for the line-based services: a client cannot hold a goroutine or
// memory for long.
const (
	streamIdle     = 15 * time.Second
	maxLineBytes   = 512
	maxFTPCommands = 64
	maxRawBytes    = 1 << 20
)

// serveFTP speaks just enough FTP for banner grabbing and a login attempt;
// no login ever succeeds, so no file is ever accepted.
func (d *deviceRuntime) serveFTP(c net.Conn) {
	w := bufio.NewWriter(c)
	reply := func(s string) bool {
		_ = c.SetWriteDeadline(time.Now().Add(streamIdle))
		if _, err := w.WriteString(s + "\r\n"); err != nil {
			return false
		}
		return w.Flush() == nil
	}
	if !reply(d.p.ftpBanner) {
		return
	}
	r := bufio.NewReaderSize(io.LimitReader(c, maxFTPCommands*maxLineBytes), maxLineBytes)
	for range maxFTPCommands {
		_ = c.SetReadDeadline(time.Now().Add(streamIdle))
		line, err := readLine(r)
		if err != nil {
			return
		}
		verb, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		var out string
		switch strings.ToUpper(verb) {
		case "USER":
			out = "331 Password required."
		case "PASS":
			out = "530 Login incorrect."
		case "SYST":
			out = "215 UNIX Type: L8"
		case "NOOP":
			out = "200 NOOP command successful."
		case "FEAT":
			out = "211 No features."
		case "HELP":
			out = "214 USER PASS QUIT NOOP SYST HELP"
		case "QUIT":
			reply("221 Goodbye.")
			return
		default:
			out = "530 Please login with USER and PASS."
		}
		if !reply(out) {
			return
		}
	}
}

// readLine reads one CRLF- or LF-terminated line of at most maxLineBytes.
func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", errors.New("read line: too long")
	}
	if err != nil {
		return "", fmt.Errorf("read line: %w", err)
	}
	return strings.TrimRight(string(line), "\r\n"), nil
}

// serveRaw accepts an AppSocket connection and discards what it is sent:
// the lab never prints and never answers PJL.
func serveRaw(c net.Conn) {
	_ = c.SetReadDeadline(time.Now().Add(streamIdle))
	_, _ = io.Copy(io.Discard, io.LimitReader(c, maxRawBytes))
}

// serveLPD answers queue-state queries like Canon's LPD and refuses every
// other command (RFC 1179: a non-zero byte rejects a receive-job request).
func serveLPD(c net.Conn) {
	_ = c.SetDeadline(time.Now().Add(streamIdle))
	r := bufio.NewReaderSize(io.LimitReader(c, maxLineBytes), maxLineBytes)
	line, err := readLine(r)
	if err != nil || line == "" {
		return
	}
	switch line[0] {
	case 0x03, 0x04: // send queue state (short, long)
		_, _ = io.WriteString(c, "Fictive printer queue short information\n")
	default:
		_, _ = c.Write([]byte{0x01})
	}
}
