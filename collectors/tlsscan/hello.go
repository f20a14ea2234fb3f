package tlsscan

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Hand-built ClientHellos: crypto/tls has no SSLv3 and lacks some old
// suites, and all a version probe needs is whether the server answers a
// hello for that version with a ServerHello choosing it: one record each
// way. zcrypto's SSLv3 client would need its full handshake for the same
// answer.

const (
	recordHandshake = 0x16
	recordAlert     = 0x15
	versionSSL3     = 0x0300
	maxRecord       = 5 + 16384
)

// ErrNotSSLReply is returned for a reply that is neither a handshake nor an
// alert record.
var ErrNotSSLReply = errors.New("not an SSL/TLS record")

// sslv3Suites are the suites SSLv3 servers commonly accept, plus the
// renegotiation SCSV.
var sslv3Suites = []uint16{
	0x000A, 0x0005, 0x0004, 0x002F, 0x0035, 0x0016, 0x0033, 0x0039,
	0x0009, 0x0003, 0x0006, 0x0008, 0x0002, 0x0001, 0x00FF,
}

// BuildSSLv3Hello returns an SSLv3 ClientHello record with the given 32-byte
// random.
func BuildSSLv3Hello(random [32]byte) []byte {
	return BuildHello(versionSSL3, random, sslv3Suites)
}

// BuildHello returns a minimal ClientHello record (no extensions) offering
// version and suites. It serves the SSLv3 probe and the TLS 1.0-1.2 fallback
// for servers whose only suites crypto/tls cannot offer.
func BuildHello(version uint16, random [32]byte, suites []uint16) []byte {
	body := binary.BigEndian.AppendUint16(nil, version)
	body = append(body, random[:]...)
	body = append(body, 0) // no session ID
	body = binary.BigEndian.AppendUint16(body, uint16(2*len(suites)))
	for _, s := range suites {
		body = binary.BigEndian.AppendUint16(body, s)
	}
	body = append(body, 1, 0) // compression: null only
	hs := []byte{0x01, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}
	hs = append(hs, body...)
	recVersion := min(version, 0x0301) // record layer stays at 3.1 for compatibility
	rec := []byte{recordHandshake, byte(recVersion >> 8), byte(recVersion), byte(len(hs) >> 8), byte(len(hs))}
	return append(rec, hs...)
}

// ParseSSLv3Reply reads the server's first record. accepted is true when it
// is a ServerHello choosing SSL 3.0; suite is then the chosen suite. An alert
// or a hello for another version means refused (accepted false, nil error).
func ParseSSLv3Reply(data []byte) (accepted bool, suite uint16, err error) {
	return ParseHelloReply(data, versionSSL3)
}

// ParseHelloReply is ParseSSLv3Reply for any offered version: accepted when
// the ServerHello chooses exactly want.
func ParseHelloReply(data []byte, want uint16) (accepted bool, suite uint16, err error) {
	if len(data) < 5 {
		return false, 0, fmt.Errorf("parse reply: %d bytes: %w", len(data), ErrNotSSLReply)
	}
	typ, n := data[0], int(binary.BigEndian.Uint16(data[3:5]))
	if data[1] != 0x03 {
		return false, 0, fmt.Errorf("parse reply: version byte %#x: %w", data[1], ErrNotSSLReply)
	}
	rec := data[5:]
	if n < len(rec) {
		rec = rec[:n]
	}
	switch typ {
	case recordAlert:
		return false, 0, nil
	case recordHandshake:
	default:
		return false, 0, fmt.Errorf("parse reply: record type %#x: %w", typ, ErrNotSSLReply)
	}
	// ServerHello: type(1) len(3) version(2) random(32) sid_len(1) sid suite(2)
	if len(rec) < 39 || rec[0] != 0x02 {
		return false, 0, fmt.Errorf("parse reply: short or non-ServerHello handshake: %w", ErrNotSSLReply)
	}
	version := binary.BigEndian.Uint16(rec[4:6])
	sidLen := int(rec[38])
	if len(rec) < 39+sidLen+2 {
		return false, 0, fmt.Errorf("parse reply: truncated ServerHello: %w", ErrNotSSLReply)
	}
	suite = binary.BigEndian.Uint16(rec[39+sidLen:])
	if version != want {
		return false, 0, nil
	}
	return true, suite, nil
}
