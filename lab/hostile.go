package lab

import (
	"net"
	"strconv"
	"strings"
	"sync/atomic"
)

// hostileKind selects the broken or malicious behaviour of a hostile
// profile. Hostile devices exist to prove that the collectors survive the
// devices found on real networks: firmware that hangs, floods, loops or
// carries attacker-controlled strings.
type hostileKind int

const (
	hostileNone       hostileKind = iota
	hostileTarpit                 // accepts, never answers
	hostileSlowloris              // one byte per second, forever
	hostileBigBody                // endless and 1 GiB bodies
	hostileRedirect               // redirect loops and off-host redirects
	hostileTLSGarbage             // random bytes, truncated records
	hostileSNMP                   // malformed, oversized, mistyped, misaddressed replies
	hostileIPP                    // IPP attribute lengths that lie
	hostilePayloads               // a Canon-looking device whose strings are attacks
)

// Hostile profile names. None is in the default fleet: select them through
// Config.Profiles.
const (
	ProfileHostileTarpit     = "hostile-tarpit"
	ProfileHostileSlowloris  = "hostile-slowloris"
	ProfileHostileBigBody    = "hostile-bigbody"
	ProfileHostileRedirect   = "hostile-redirect"
	ProfileHostileTLSGarbage = "hostile-tls-garbage"
	ProfileHostileSNMP       = "hostile-snmp"
	ProfileHostileIPP        = "hostile-ipp"
	ProfileHostilePayloads   = "hostile-payloads"
)

// Attack strings carried by the hostile-payloads device: HTML and attribute
// injection, spreadsheet formulas (CSV injection), terminal escapes (colour,
// window title, bell) and bytes that are not UTF-8.
const (
	PayloadScript  = `<script>alert(1)</script>`
	PayloadAttr    = `"><img src=x onerror=alert(1)>`
	PayloadFormula = `=HYPERLINK("http://evil.invalid","x")`
	PayloadDDE     = `+cmd|' /C calc'!A0`
	PayloadANSI    = "\x1b[31m\x1b]0;pwned\x07"
	PayloadBadUTF8 = "\xff\xfe"
)

// HostilePayloads lists the attack strings, for tests of the reports.
func HostilePayloads() []string {
	return []string{PayloadScript, PayloadAttr, PayloadFormula, PayloadDDE, PayloadANSI, PayloadBadUTF8}
}

// payloadField is every payload joined, starting with the i-th, so each
// device string leads with a different attack (formula injection only works
// at the start of a spreadsheet cell).
func payloadField(i int) string {
	ps := HostilePayloads()
	out := make([]string, len(ps))
	for j := range ps {
		out[j] = ps[(i+j)%len(ps)]
	}
	return strings.Join(out, " ")
}

// payloadHeaderField is payloadField without the control characters, which
// HTTP clients reject in header values; the bytes 0x80-0xFF, allowed there,
// stay as they are (filtered bytewise: a rune-wise filter would turn the
// invalid UTF-8 into valid U+FFFD).
func payloadHeaderField(i int) string {
	s := payloadField(i)
	b := make([]byte, 0, len(s))
	for j := 0; j < len(s); j++ {
		if c := s[j]; c >= 0x20 && c != 0x7f {
			b = append(b, c)
		}
	}
	return string(b)
}

// hostileProfiles returns the opt-in hostile profiles. They have no tlsSpec:
// each serves whatever TLS bytes its behaviour needs itself.
func hostileProfiles() []profile {
	return []profile{
		{
			name:        ProfileHostileTarpit,
			description: "tarpit: every TCP port accepts and never answers; SNMP UDP 161 reads and stays silent",
			tcp: []listenerSpec{
				{21, svcFTP}, {80, svcHTTP}, {443, svcHTTPS}, {631, svcIPP}, {8443, svcHTTPS}, {9100, svcRaw},
			},
			snmp:    &snmpSpec{},
			hostile: hostileTarpit,
		},
		{
			name:        ProfileHostileSlowloris,
			description: "slowloris: HTTP, FTP and TLS ports send one byte per second, forever",
			tcp:         []listenerSpec{{21, svcFTP}, {80, svcHTTP}, {443, svcHTTPS}, {8000, svcHTTP}, {8443, svcHTTPS}},
			hostile:     hostileSlowloris,
		},
		{
			name:        ProfileHostileBigBody,
			description: "big bodies: HTTP 80 streams an endless body, 8000 and IPP 631 announce 1 GiB and stream it lazily",
			tcp:         []listenerSpec{{80, svcHTTP}, {631, svcIPP}, {8000, svcHTTP}},
			hostile:     hostileBigBody,
		},
		{
			name:        ProfileHostileRedirect,
			description: "redirects: 80 loops /a -> /b -> /a; 8000 and 8080 redirect to another host (a loopback canary that counts visits)",
			tcp:         []listenerSpec{{80, svcHTTP}, {8000, svcHTTP}, {8080, svcHTTP}},
			hostile:     hostileRedirect,
		},
		{
			name:        ProfileHostileTLSGarbage,
			description: "TLS garbage: 443 sends random bytes on accept; 8443 answers the ClientHello with a ServerHello cut mid-record and hangs",
			tcp:         []listenerSpec{{443, svcHTTPS}, {8443, svcHTTPS}},
			hostile:     hostileTLSGarbage,
		},
		{
			name:        ProfileHostileSNMP,
			description: "SNMP agent answering every request with malformed BER, a reply with a wrong request ID, and a near-64-KiB or wrongly typed reply",
			snmp:        &snmpSpec{},
			hostile:     hostileSNMP,
		},
		{
			name:        ProfileHostileIPP,
			description: "IPP on 631, 8631 and 8632 answering Get-Printer-Attributes with attribute lengths that lie, truncated groups and 150000 values, in turn",
			tcp:         []listenerSpec{{631, svcIPP}, {8631, svcIPP}, {8632, svcIPP}},
			hostile:     hostileIPP,
		},
		{
			name:        ProfileHostilePayloads,
			description: "Canon-looking device whose page title, Server header, sysDescr, certificate subject, IPP make and model and FTP banner carry HTML, script, CSV formula, ANSI escape and invalid UTF-8 payloads",
			id: identity{
				vendor: "Canon", model: "iR-ADV C3530 " + payloadField(2), firmware: "47.07", serial: "PWN00001",
				sysDescr: payloadField(5) + " Canon iR-ADV C3530 /P", sysObjectID: "1.3.6.1.4.1.1602.4.7",
				hostname: payloadField(1), makeAndModel: "Canon " + payloadField(4),
			},
			tcp:       []listenerSpec{{21, svcFTP}, {80, svcHTTP}, {443, svcHTTPS}, {631, svcIPP}, {8000, svcHTTP}},
			snmp:      &snmpSpec{v1: true, v2c: true, communities: []string{"public"}},
			ftpBanner: "220 " + payloadField(0) + " FTP Print Server ready.",
			hostile:   hostilePayloads,
		},
	}
}

// HostileProfileNames lists the opt-in hostile profiles.
func HostileProfileNames() []string { return profileNames(hostileProfiles()) }

// HostileStats is what a hostile device observed, for tests that must show
// a collector stopped reading or never left the target.
type HostileStats struct {
	Connections  int64 // TCP connections accepted
	Requests     int64 // HTTP requests and SNMP datagrams received
	BytesWritten int64 // bytes written on all TCP connections
	// OffHostHits counts requests that followed a redirect to another host
	// and reached the canary; CanaryAddr is where it listens.
	OffHostHits int64
	CanaryAddr  string
}

type hostileCounters struct {
	conns, requests, written, offHost atomic.Int64
	canary                            string // set before the device serves
}

// HostileStats returns the counters of the named hostile device; false when
// the fleet has no hostile device of that name.
func (f *Fleet) HostileStats(device string) (HostileStats, bool) {
	f.mu.Lock()
	c, ok := f.hostile[device]
	f.mu.Unlock()
	if !ok {
		return HostileStats{}, false
	}
	return HostileStats{
		Connections: c.conns.Load(), Requests: c.requests.Load(), BytesWritten: c.written.Load(),
		OffHostHits: c.offHost.Load(), CanaryAddr: c.canary,
	}, true
}

// hostileDevice is the live state of one hostile device.
type hostileDevice struct {
	dev *deviceRuntime
	c   *hostileCounters
	seq atomic.Uint64 // rotates the IPP variants
}

// serveHostile replaces serveDevice for hostile profiles: every listener
// gets the profile's misbehaviour, counted.
func (f *Fleet) serveHostile(dev *deviceRuntime, b boundDevice) {
	h := &hostileDevice{dev: dev, c: &hostileCounters{}}
	if dev.p.hostile == hostileRedirect {
		h.c.canary = f.startCanary(h.c)
	}
	f.mu.Lock()
	if f.hostile == nil {
		f.hostile = map[string]*hostileCounters{}
	}
	f.hostile[dev.p.devName] = h.c
	f.mu.Unlock()

	for i, l := range dev.p.tcp {
		handle := h.handler(l.port)
		f.serveStream(b.tcp[i], func(c net.Conn) {
			h.c.conns.Add(1)
			handle(&countingConn{Conn: c, n: &h.c.written})
		})
	}
	if b.snmp != nil {
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			h.serveSNMP(b.snmp)
		}()
	}
}

// handler picks the behaviour of one listener from its unshifted port.
func (h *hostileDevice) handler(port int) func(net.Conn) {
	switch h.dev.p.hostile {
	case hostileSlowloris:
		return slowlorisHandler(port)
	case hostileBigBody:
		return h.bigBodyHandler(port)
	case hostileRedirect:
		return h.redirectHandler(port)
	case hostileTLSGarbage:
		if port == 443 {
			return serveTLSGarbage
		}
		return serveTruncatedTLS
	case hostileIPP:
		return h.serveBogusIPP
	case hostilePayloads:
		return h.payloadHandler(port)
	}
	return serveTarpit
}

// startCanary listens on 127.0.0.1 (another loopback host than any lab
// device) and counts whoever arrives: a collector that follows an off-host
// redirect lands here. If the bind fails the redirect points at port 1,
// where nothing listens, and the canary address stays empty.
func (f *Fleet) startCanary(c *hostileCounters) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return ""
	}
	f.mu.Lock()
	f.closers = append(f.closers, ln)
	f.mu.Unlock()
	f.serveStream(ln, func(conn net.Conn) {
		c.offHost.Add(1)
		if _, err := readHead(conn); err == nil {
			_ = writeAll(conn, httpResponse("200 OK", "text/plain", "Server: canary\r\n", "off-host canary\n"))
		}
	})
	return ln.Addr().String()
}

func (h *hostileDevice) canaryHostPort() string {
	if h.c.canary == "" {
		return net.JoinHostPort("127.0.0.1", strconv.Itoa(1))
	}
	return h.c.canary
}

// countingConn counts the bytes written to a connection.
type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c *countingConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.n.Add(int64(n))
	return n, err
}
