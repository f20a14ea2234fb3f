package scanner

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/mfpscan/mfpscan/internal/porttable"
)

// mDNS (5353/udp). A query sent from a port other than 5353 is a "legacy
// unicast" query (RFC 6762 §6.7): a responder answers it by unicast to the
// sender, with the query's ID. The probe asks for the DNS-SD service list
// (_services._dns-sd._udp.local PTR, RFC 6763 §9), which every Bonjour /
// AirPrint responder keeps, and changes nothing on the device.
const (
	udpMDNS         = porttable.ProbeMDNS
	maxMDNSDatagram = 9000 // RFC 6762 §17: messages up to the interface MTU
	dnsHeaderLen    = 12
)

// MDNSProbe is the unicast mDNS service-list query on 5353/udp.
func MDNSProbe() UDPProbe { return UDPProbe{Port: 5353, Service: udpMDNS} }

func mdnsQuery(id uint16) []byte {
	b := make([]byte, dnsHeaderLen, 64)
	binary.BigEndian.PutUint16(b[0:2], id)
	binary.BigEndian.PutUint16(b[4:6], 1) // one question
	for _, label := range []string{"_services", "_dns-sd", "_udp", "local"} {
		b = append(b, byte(len(label)))
		b = append(b, label...)
	}
	b = append(b, 0)
	b = binary.BigEndian.AppendUint16(b, 12) // PTR
	return binary.BigEndian.AppendUint16(b, 1)
}

// MDNSReply is the header of an mDNS response.
type MDNSReply struct {
	ID      uint16
	Answers int
}

// ParseMDNSReply reads the header of a DNS response. It is pure; only the
// fixed header is interpreted.
func ParseMDNSReply(b []byte) (MDNSReply, error) {
	if err := datagramSize("mdns", b, dnsHeaderLen, maxMDNSDatagram); err != nil {
		return MDNSReply{}, err
	}
	if b[2]&0x80 == 0 {
		return MDNSReply{}, errors.New("parse mdns reply: a query, not a response")
	}
	if op := b[2] >> 3 & 0x0f; op != 0 {
		return MDNSReply{}, fmt.Errorf("parse mdns reply: opcode %d is not a standard query", op)
	}
	return MDNSReply{ID: binary.BigEndian.Uint16(b[0:2]), Answers: int(binary.BigEndian.Uint16(b[6:8]))}, nil
}
