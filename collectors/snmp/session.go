package snmp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/gosnmp/gosnmp"
)

// maxDatagram is the largest SNMP message read; longer datagrams are
// truncated by the kernel and fail to decode, which is what we want.
const maxDatagram = 65535

// errNoReply means the agent stayed silent: wrong community, version off, or
// nothing listening behind a filter.
var errNoReply = errors.New("no reply")

// session exchanges SNMP messages over one connected UDP socket obtained from
// the engine's Dialer. gosnmp encodes and decodes; the socket is ours, so the
// engine's timeouts and per-host limits apply and no second dial happens.
type session struct {
	conn    net.Conn
	timeout time.Duration
	retries int
	nextID  uint32
	buf     []byte
}

func newSession(conn net.Conn, timeout time.Duration, retries int) *session {
	return &session{conn: conn, timeout: timeout, retries: retries, nextID: 1, buf: make([]byte, maxDatagram)}
}

func (s *session) id() uint32 {
	s.nextID++
	return s.nextID & 0x7fffffff
}

// request is one message in flight: its encoded bytes, the request ID its
// reply must carry, and the decoder that understands the reply.
type request struct {
	id      uint32
	msg     []byte
	decoder *gosnmp.GoSNMP
	reply   *gosnmp.SnmpPacket
}

// exchange sends every request, then reads replies until each has one or the
// timeout passes, resending the unanswered ones up to s.retries times.
// Requests left without a reply keep reply == nil; that is not an error.
func (s *session) exchange(ctx context.Context, reqs []*request) error {
	return s.exchangeUntil(ctx, reqs, func() bool { return false })
}

// exchangeUntil is exchange that stops retrying once settled reports true:
// when an agent answered part of a batch, its silence to the rest is a
// verdict (wrong community, version off), not packet loss worth a retry.
func (s *session) exchangeUntil(ctx context.Context, reqs []*request, settled func() bool) error {
	for attempt := 0; attempt <= s.retries; attempt++ {
		if attempt > 0 && settled() {
			return nil
		}
		pending := 0
		for _, r := range reqs {
			if r.reply != nil {
				continue
			}
			pending++
			if _, err := s.conn.Write(r.msg); err != nil {
				return fmt.Errorf("send snmp request: %w", err)
			}
		}
		if pending == 0 {
			return nil
		}
		if err := s.collect(ctx, reqs, pending); err != nil {
			return err
		}
	}
	return nil
}

// collect reads datagrams until pending replies arrived or the deadline.
func (s *session) collect(ctx context.Context, reqs []*request, pending int) error {
	deadline := time.Now().Add(s.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := s.conn.SetReadDeadline(deadline); err != nil {
		return fmt.Errorf("set read deadline: %w", err)
	}
	// A blocked Read does not watch ctx: an interrupted scan would otherwise
	// wait out the whole timeout (and every retry) on each silent agent.
	stop := context.AfterFunc(ctx, func() { _ = s.conn.SetReadDeadline(time.Now()) })
	defer stop()
	// Each datagram is read once; the bound stops a flood of junk from
	// keeping us here past the deadline's granularity.
	for reads := 0; pending > 0 && reads < 64*len(reqs)+64; reads++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("read snmp reply: %w", err)
		}
		n, err := s.conn.Read(s.buf)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				if cerr := ctx.Err(); cerr != nil {
					return fmt.Errorf("read snmp reply: %w", cerr)
				}
				return nil
			}
			return fmt.Errorf("read snmp reply: %w", err)
		}
		if s.match(reqs, s.buf[:n]) {
			pending--
		}
	}
	return nil
}

// match decodes one datagram and files it under the request it answers.
func (s *session) match(reqs []*request, data []byte) bool {
	for _, r := range reqs {
		if r.reply != nil {
			continue
		}
		pkt, err := decode(r.decoder, data)
		if err != nil {
			continue
		}
		if pkt.RequestID == r.id || (pkt.Version == gosnmp.Version3 && pkt.MsgID == r.id) {
			r.reply = pkt
			return true
		}
	}
	return false
}

// decode wraps gosnmp's decoder so that a malformed datagram that trips it
// becomes an error rather than a crash of the whole host's collection.
func decode(x *gosnmp.GoSNMP, data []byte) (pkt *gosnmp.SnmpPacket, err error) {
	defer func() {
		if p := recover(); p != nil {
			pkt, err = nil, fmt.Errorf("decode snmp packet: panic: %v", p)
		}
	}()
	pkt, err = x.SnmpDecodePacket(append([]byte(nil), data...))
	if err != nil {
		return nil, fmt.Errorf("decode snmp packet: %w", err)
	}
	return pkt, nil
}

// communityRequest builds a v1/v2c request; GetRequest and GetNextRequest
// are the only PDU types this package ever sends (read-only by design).
func (s *session) communityRequest(version gosnmp.SnmpVersion, community string, pdu gosnmp.PDUType, oids []string) (*request, error) {
	if pdu != gosnmp.GetRequest && pdu != gosnmp.GetNextRequest {
		return nil, fmt.Errorf("build snmp request: pdu type %v is not read-only", pdu)
	}
	vars := make([]gosnmp.SnmpPDU, len(oids))
	for i, o := range oids {
		vars[i] = gosnmp.SnmpPDU{Name: o, Type: gosnmp.Null}
	}
	id := s.id()
	pkt := &gosnmp.SnmpPacket{Version: version, Community: community, PDUType: pdu, RequestID: id, Variables: vars}
	msg, err := pkt.MarshalMsg()
	if err != nil {
		return nil, fmt.Errorf("encode snmp request: %w", err)
	}
	return &request{id: id, msg: msg, decoder: &gosnmp.GoSNMP{Version: version, Logger: gosnmp.NewLogger(nil)}}, nil
}

// discoveryRequest builds the SNMPv3 engine discovery probe (RFC 3414 §4):
// noAuthNoPriv, reportable, empty user and engine ID. An agent answers it
// with a Report carrying its authoritative engine ID.
func (s *session) discoveryRequest() (*request, error) {
	id := s.id()
	pkt := &gosnmp.SnmpPacket{
		Version:            gosnmp.Version3,
		MsgFlags:           gosnmp.NoAuthNoPriv | gosnmp.Reportable,
		SecurityModel:      gosnmp.UserSecurityModel,
		SecurityParameters: &gosnmp.UsmSecurityParameters{Logger: gosnmp.NewLogger(nil)},
		MsgID:              id,
		RequestID:          id,
		MsgMaxSize:         maxDatagram - 28,
		PDUType:            gosnmp.GetRequest,
	}
	msg, err := pkt.MarshalMsg()
	if err != nil {
		return nil, fmt.Errorf("encode snmp discovery: %w", err)
	}
	return &request{id: id, msg: msg, decoder: v3Decoder()}, nil
}

// v3Decoder decodes unauthenticated v3 replies. gosnmp validates its own
// settings before decoding and insists on a user name, which the reply's
// own security parameters then replace.
func v3Decoder() *gosnmp.GoSNMP {
	return &gosnmp.GoSNMP{
		Version:            gosnmp.Version3,
		SecurityModel:      gosnmp.UserSecurityModel,
		MsgFlags:           gosnmp.NoAuthNoPriv,
		SecurityParameters: &gosnmp.UsmSecurityParameters{UserName: "discovery", Logger: gosnmp.NewLogger(nil)},
		Logger:             gosnmp.NewLogger(nil),
	}
}

// get sends one GET (or GETNEXT) and returns the reply or errNoReply.
func (s *session) get(ctx context.Context, version gosnmp.SnmpVersion, community string, pdu gosnmp.PDUType, oids []string) (*gosnmp.SnmpPacket, error) {
	r, err := s.communityRequest(version, community, pdu, oids)
	if err != nil {
		return nil, err
	}
	if err := s.exchange(ctx, []*request{r}); err != nil {
		return nil, err
	}
	if r.reply == nil {
		return nil, errNoReply
	}
	return r.reply, nil
}
