package scanner

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/porttable"
)

// Canon BJNP (8611/udp printer, 8612/udp scanner). Every message starts
// with a 16-byte header: "BJNP", device type (1 printer, 2 scanner; a reply
// sets the high bit), command code, a 32-bit sequence number, a 16-bit
// session ID and the 32-bit payload length (layout as in nmap's
// nselib/bjnp.lua). The get-identity command (code 0x30) is answered with a
// 16-bit length (counting itself) and an IEEE 1284 device ID
// ("MFG:Canon;MDL:...;DES:...;VER:...;"), which names the device without
// any session or login. Nothing else is ever sent.
const (
	bjnpHeaderLen   = 16
	bjnpPrinter     = 1
	bjnpScanner     = 2
	bjnpGetIdentity = 0x30
	udpBJNPPrinter  = porttable.ProbeBJNPPrinter
	udpBJNPScanner  = porttable.ProbeBJNPScanner
	maxBJNPDatagram = 4 << 10
)

// BJNPProbes are the printer (8611) and scanner (8612) identity probes.
func BJNPProbes() []UDPProbe {
	return []UDPProbe{{Port: 8611, Service: udpBJNPPrinter}, {Port: 8612, Service: udpBJNPScanner}}
}

// bjnpIdentityRequest is a get-identity command for the device type the
// port serves; the scanner variant carries a 4-byte zero payload, as Canon
// scanners expect.
func bjnpIdentityRequest(devType byte, seq uint32) []byte {
	b := make([]byte, bjnpHeaderLen, bjnpHeaderLen+4)
	copy(b, "BJNP")
	b[4], b[5] = devType, bjnpGetIdentity
	binary.BigEndian.PutUint32(b[6:10], seq)
	if devType == bjnpScanner {
		binary.BigEndian.PutUint32(b[12:16], 4)
		b = append(b, 0, 0, 0, 0)
	}
	return b
}

// BJNPIdentity is what a BJNP identity reply says about the device.
type BJNPIdentity struct {
	DevType      byte
	Seq          uint32
	Manufacturer string
	Model        string
	Description  string
	Firmware     string
	Command      string
}

// ParseBJNPReply reads a get-identity reply. It is pure and bounded: every
// length is checked against the datagram.
func ParseBJNPReply(b []byte) (BJNPIdentity, error) {
	if len(b) > maxBJNPDatagram {
		return BJNPIdentity{}, fmt.Errorf("parse bjnp reply: %d bytes exceeds %d", len(b), maxBJNPDatagram)
	}
	if len(b) < bjnpHeaderLen || !bytes.Equal(b[:4], []byte("BJNP")) {
		return BJNPIdentity{}, errors.New("parse bjnp reply: no BJNP header")
	}
	id := BJNPIdentity{DevType: b[4] &^ 0x80, Seq: binary.BigEndian.Uint32(b[6:10])}
	if b[4]&0x80 == 0 {
		return BJNPIdentity{}, errors.New("parse bjnp reply: a request, not a reply")
	}
	if b[5] != bjnpGetIdentity {
		return BJNPIdentity{}, fmt.Errorf("parse bjnp reply: command %#x is not get-identity", b[5])
	}
	payload := b[bjnpHeaderLen:]
	if n := binary.BigEndian.Uint32(b[12:16]); int(n) < len(payload) {
		payload = payload[:n]
	}
	if len(payload) < 2 {
		return BJNPIdentity{}, errors.New("parse bjnp reply: identity payload missing")
	}
	n := int(binary.BigEndian.Uint16(payload[:2]))
	if n < 2 || n > len(payload) {
		return BJNPIdentity{}, fmt.Errorf("parse bjnp reply: identity length %d does not fit %d bytes", n, len(payload))
	}
	for _, kv := range strings.Split(string(payload[2:n]), ";") {
		k, v, ok := strings.Cut(kv, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "MFG":
			id.Manufacturer = v
		case "MDL":
			id.Model = v
		case "DES":
			id.Description = v
		case "VER":
			id.Firmware = v
		case "CMD":
			id.Command = v
		}
	}
	return id, nil
}

// Hints turns the identity into fingerprint clues. BJNP is Canon's own
// protocol, so an answer names a Canon printer with high confidence; the
// model and firmware are as the device states them.
func (id BJNPIdentity) Hints(source string) []facts.IdentityHint {
	var out []facts.IdentityHint
	add := func(field, value string, c facts.Confidence) {
		if value != "" {
			out = append(out, facts.IdentityHint{Field: field, Value: value, Source: source, Confidence: c})
		}
	}
	add("vendor", id.Manufacturer, facts.ConfidenceHigh)
	add("model", id.Model, facts.ConfidenceHigh)
	add("firmware", id.Firmware, facts.ConfidenceMedium)
	add("printer", "true", facts.ConfidenceHigh)
	return out
}
