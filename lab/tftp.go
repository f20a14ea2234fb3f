package lab

import (
	"encoding/binary"
	"net"
	"net/netip"
)

// tftpPort is TFTP (RFC 1350), which the default organisation data forbids:
// a profile with tftp set runs a server for the sweep's read-only probe to
// find. It serves no file.
const tftpPort = 69

const (
	tftpOpRRQ   = 1
	tftpOpError = 5
	// TFTP error codes: 1 file not found, 2 access violation, 4 illegal
	// operation.
	tftpErrNotFound = 1
	tftpErrAccess   = 2
	tftpErrIllegal  = 4
)

// serveTFTP answers every request on conn with an ERROR packet sent, as a
// TFTP server does, from a new port of its own (the transfer ID): a read
// request gets "file not found" (the lab holds no file), a write request
// "access violation", anything else "illegal operation".
func serveTFTP(conn *net.UDPConn, addr netip.Addr) {
	readDatagrams(conn, 516, func(req []byte, from netip.AddrPort) {
		tid, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(addr, 0)))
		if err != nil {
			return
		}
		_, _ = tid.WriteToUDPAddrPort(tftpErrorPacket(req), from)
		_ = tid.Close()
	})
}

// tftpErrorPacket is the ERROR a file-less server sends for req.
func tftpErrorPacket(req []byte) []byte {
	code, msg := uint16(tftpErrIllegal), "Illegal TFTP operation"
	if len(req) >= 2 {
		switch binary.BigEndian.Uint16(req) {
		case tftpOpRRQ:
			code, msg = tftpErrNotFound, "File not found"
		case 2:
			code, msg = tftpErrAccess, "Access violation"
		}
	}
	b := binary.BigEndian.AppendUint16(nil, tftpOpError)
	b = binary.BigEndian.AppendUint16(b, code)
	b = append(b, msg...)
	return append(b, 0)
}
