package tlsscan

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The SSLv3 probe is a hand-built ClientHello: crypto/tls has no SSLv3, and
// all we need is whether the server answers a 3.0 hello with a 3.0
// ServerHello, which is one record each way.

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
	body := []byte{0x03, 0x00}
	body = append(body, random[:]...)
	body = append(body, 0) // no session ID
	body = binary.BigEndian.AppendUint16(body, uint16(2*len(sslv3Suites)))
	for _, s := range sslv3Suites {
		body = binary.BigEndian.AppendUint16(body, s)
	}
	body = append(body, 1, 0) // compression: null only
	hs := []byte{0x01, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}
	hs = append(hs, body...)
	rec := []byte{recordHandshake, 0x03, 0x00, byte(len(hs) >> 8), byte(len(hs))}
	return append(rec, hs...)
}

// ParseSSLv3Reply reads the server's first record. accepted is true when it
// is a ServerHello choosing SSL 3.0; suite is then the chosen suite. An alert
// or a hello for another version means refused (accepted false, nil error).
func ParseSSLv3Reply(data []byte) (accepted bool, suite uint16, err error) {
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
	if version != versionSSL3 {
		return false, 0, nil
	}
	return true, suite, nil
}
