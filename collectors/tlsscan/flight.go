package tlsscan

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Flight is what the server's first flight said.
type Flight struct {
	// Alert is set when the server answered with an alert (level, then
	// description) before any ServerHello.
	Alert       bool
	AlertLevel  byte
	AlertDesc   byte
	ServerHello bool
	// HRR marks a HelloRetryRequest; Group is then the group it asks for.
	HRR bool
	// Version is the negotiated version: supported_versions when present,
	// else the ServerHello's version field.
	Version     uint16
	Suite       uint16
	Compression byte
	// SecureRenegotiation: the ServerHello carried renegotiation_info.
	SecureRenegotiation bool
	Group               uint16
	// Certificates is the server's chain (TLS 1.2 and older only: later
	// versions encrypt it), leaf first.
	Certificates [][]byte
	// Done: ServerHelloDone was seen, nothing more of interest follows.
	Done bool
}

// ParseFlight reads the records in data, which hold the start of a server's
// answer to a ClientHello. complete is false when more bytes are needed to
// answer what wantCert asks (the ServerHello, and with wantCert the
// certificate too); err is set when the bytes are not SSL/TLS at all.
func ParseFlight(data []byte, wantCert bool) (f Flight, complete bool, err error) {
	var hs []byte
	for len(data) > 0 {
		if len(data) < 5 {
			break
		}
		typ, major, n := data[0], data[1], int(binary.BigEndian.Uint16(data[3:5]))
		if major != 3 || n > 16384+2048 {
			return f, false, fmt.Errorf("parse flight: record header % x: %w", data[:5], ErrNotSSLReply)
		}
		if len(data) < 5+n {
			break
		}
		payload := data[5 : 5+n]
		data = data[5+n:]
		switch typ {
		case recordAlert:
			if f.ServerHello {
				// An alert after the hello (e.g. a certificate the server
				// cannot send): what was learnt stands.
				return f, true, nil
			}
			if len(payload) < 2 {
				return f, false, fmt.Errorf("parse flight: %d-byte alert: %w", len(payload), ErrNotSSLReply)
			}
			f.Alert, f.AlertLevel, f.AlertDesc = true, payload[0], payload[1]
			return f, true, nil
		case recordHandshake:
			hs = append(hs, payload...)
		case 0x14, 0x17: // ChangeCipherSpec, encrypted data: TLS 1.3 after its hello
			if f.ServerHello {
				return f, true, nil
			}
			return f, false, fmt.Errorf("parse flight: record type %#x before ServerHello: %w", typ, ErrNotSSLReply)
		default:
			return f, false, fmt.Errorf("parse flight: record type %#x: %w", typ, ErrNotSSLReply)
		}
		done, err := parseHandshakes(&f, hs, wantCert)
		if err != nil || done {
			return f, done, err
		}
	}
	return f, false, nil
}

// parseHandshakes reads the complete handshake messages in hs into f and
// reports whether the flight says all that was asked.
func parseHandshakes(f *Flight, hs []byte, wantCert bool) (bool, error) {
	*f = Flight{}
	for len(hs) >= 4 {
		typ, n := hs[0], int(hs[1])<<16|int(hs[2])<<8|int(hs[3])
		if len(hs) < 4+n {
			return false, nil
		}
		msg := hs[4 : 4+n]
		hs = hs[4+n:]
		switch {
		case typ == 2 && !f.ServerHello:
			if err := parseServerHello(f, msg); err != nil {
				return false, err
			}
			if !wantCert || f.HRR || f.Version >= versionTLS13 {
				return true, nil
			}
		case !f.ServerHello:
			return false, fmt.Errorf("parse flight: handshake type %d before ServerHello: %w", typ, ErrNotSSLReply)
		case typ == 11:
			certs, err := parseCertificates(msg)
			if err != nil {
				return false, err
			}
			f.Certificates = certs
			return true, nil
		case typ == 14:
			f.Done = true
			return true, nil
		}
	}
	return false, nil
}

func parseServerHello(f *Flight, msg []byte) error {
	// version(2) random(32) sid_len(1) sid suite(2) compression(1) [extensions]
	if len(msg) < 38 {
		return fmt.Errorf("parse flight: %d-byte ServerHello: %w", len(msg), ErrNotSSLReply)
	}
	f.ServerHello = true
	f.Version = binary.BigEndian.Uint16(msg[0:2])
	f.HRR = bytes.Equal(msg[2:34], hrrRandom)
	sid := int(msg[34])
	rest := msg[35:]
	if len(rest) < sid+3 {
		return fmt.Errorf("parse flight: truncated ServerHello: %w", ErrNotSSLReply)
	}
	rest = rest[sid:]
	f.Suite = binary.BigEndian.Uint16(rest)
	f.Compression = rest[2]
	rest = rest[3:]
	if len(rest) < 2 {
		return nil // SSL 3.0 style: no extensions
	}
	n := int(binary.BigEndian.Uint16(rest))
	rest = rest[2:]
	if len(rest) < n {
		return fmt.Errorf("parse flight: truncated extensions: %w", ErrNotSSLReply)
	}
	rest = rest[:n]
	for len(rest) >= 4 {
		typ, l := binary.BigEndian.Uint16(rest), int(binary.BigEndian.Uint16(rest[2:]))
		if len(rest) < 4+l {
			return fmt.Errorf("parse flight: truncated extension %d: %w", typ, ErrNotSSLReply)
		}
		data := rest[4 : 4+l]
		rest = rest[4+l:]
		switch typ {
		case extRenegotiationInfo:
			f.SecureRenegotiation = true
		case extSupportedVersions:
			if l == 2 {
				f.Version = binary.BigEndian.Uint16(data)
			}
		case extKeyShare:
			if l >= 2 {
				f.Group = binary.BigEndian.Uint16(data)
			}
		}
	}
	return nil
}

// parseCertificates reads a TLS 1.2 Certificate message: a 3-byte length,
// then 3-byte-length-prefixed DER certificates.
func parseCertificates(msg []byte) ([][]byte, error) {
	if len(msg) < 3 {
		return nil, fmt.Errorf("parse flight: short Certificate: %w", ErrNotSSLReply)
	}
	n := int(msg[0])<<16 | int(msg[1])<<8 | int(msg[2])
	rest := msg[3:]
	if n > len(rest) {
		return nil, fmt.Errorf("parse flight: truncated Certificate: %w", ErrNotSSLReply)
	}
	rest = rest[:n]
	var out [][]byte
	for len(rest) >= 3 {
		l := int(rest[0])<<16 | int(rest[1])<<8 | int(rest[2])
		if len(rest) < 3+l {
			return nil, fmt.Errorf("parse flight: truncated certificate entry: %w", ErrNotSSLReply)
		}
		out = append(out, rest[3:3+l])
		rest = rest[3+l:]
	}
	return out, nil
}

// ParseHelloReply reads the server's answer to a hello offering want:
// accepted when a ServerHello chooses exactly want; an alert or a hello for
// another version is a refusal (accepted false, nil error).
func ParseHelloReply(data []byte, want uint16) (accepted bool, suite uint16, err error) {
	f, complete, err := ParseFlight(data, false)
	if err != nil {
		return false, 0, err
	}
	if !complete {
		return false, 0, fmt.Errorf("parse reply: %d bytes, no complete ServerHello or alert: %w", len(data), ErrNotSSLReply)
	}
	if f.Alert || f.Version != want {
		return false, 0, nil
	}
	return true, f.Suite, nil
}

// ParseSSLv3Reply is ParseHelloReply for SSL 3.0.
func ParseSSLv3Reply(data []byte) (accepted bool, suite uint16, err error) {
	return ParseHelloReply(data, versionSSL3)
}
