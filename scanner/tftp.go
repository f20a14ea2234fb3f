package scanner

import (
	"encoding/binary"
	"fmt"

	"github.com/mfpscan/mfpscan/internal/porttable"
)

// TFTP (69/udp, RFC 1350). The probe is one read request (RRQ) for a file
// name no device holds: a TFTP server answers it with an ERROR packet
// ("file not found"), which proves the service is on without transferring
// anything. A write request (WRQ) is never sent. The server answers from a
// new port (its transfer ID), so the reply is read from any port of the
// target address.
const (
	udpTFTP = porttable.ProbeTFTP
	// maxTFTPDatagram is a DATA packet: 4-byte header and 512 bytes.
	maxTFTPDatagram = 516
	tftpRRQ         = 1
	tftpData        = 3
	tftpAck         = 4
	tftpError       = 5
	tftpOACK        = 6 // option acknowledgement (RFC 2347)
)

// TFTPProbe is the read-only TFTP probe on 69/udp.
func TFTPProbe() UDPProbe { return UDPProbe{Port: 69, Service: udpTFTP} }

// tftpReadRequest is an RRQ for name in octet mode.
func tftpReadRequest(name string) []byte {
	b := binary.BigEndian.AppendUint16(nil, tftpRRQ)
	b = append(b, name...)
	b = append(b, 0)
	b = append(b, "octet"...)
	return append(b, 0)
}

// tftpProbeName is a file name no device holds, fresh per attempt.
func tftpProbeName() string { return fmt.Sprintf("mfpscan-probe-%08x.none", randUint32()) }

// datagramSize checks a reply's length against its protocol's header and
// datagram limits before any field is read.
func datagramSize(proto string, b []byte, minLen, maxLen int) error {
	if len(b) > maxLen {
		return fmt.Errorf("parse %s reply: %d bytes exceeds %d", proto, len(b), maxLen)
	}
	if len(b) < minLen {
		return fmt.Errorf("parse %s reply: %d bytes is shorter than its %d-byte header", proto, len(b), minLen)
	}
	return nil
}

// TFTPReply is what a TFTP server answered to the read request.
type TFTPReply struct {
	Opcode uint16
	// ErrorCode is set for an ERROR packet (1 is "file not found").
	ErrorCode uint16
}

// ParseTFTPReply reads a datagram as the answer of a TFTP server to a read
// request: DATA, ERROR or OACK. It is pure; only the fixed header is read.
func ParseTFTPReply(b []byte) (TFTPReply, error) {
	if err := datagramSize("tftp", b, 4, maxTFTPDatagram); err != nil {
		return TFTPReply{}, err
	}
	r := TFTPReply{Opcode: binary.BigEndian.Uint16(b[0:2])}
	switch r.Opcode {
	case tftpError:
		r.ErrorCode = binary.BigEndian.Uint16(b[2:4])
	case tftpData, tftpOACK:
	default:
		// A reflected RRQ or a stray ACK is no answer to a read request.
		return TFTPReply{}, fmt.Errorf("parse tftp reply: opcode %d does not answer a read request", r.Opcode)
	}
	return r, nil
}
