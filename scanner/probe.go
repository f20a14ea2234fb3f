package scanner

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"
	"syscall"
	"time"

	"github.com/mfpscan/mfpscan/facts"
)

// maxUDPReads bounds how many stray datagrams one attempt reads before
// giving up, so a chatty or hostile peer cannot keep a worker forever.
const maxUDPReads = 16

// errClass is how a failed probe attempt is read.
type errClass int

const (
	classOther       errClass = iota
	classRefused              // RST / ICMP port unreachable: closed, final
	classTimeout              // no answer: filtered, retried
	classUnreachable          // ICMP host/net unreachable: filtered, final
)

func classify(err error) errClass {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return classRefused
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return classUnreachable
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return classTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return classTimeout
	}
	return classOther
}

func (s *sweep) dial(ctx context.Context, network, address string) (net.Conn, error) {
	if s.n.Dial != nil {
		return s.n.Dial(ctx, network, address)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, address)
}

// run performs one probe with its retries. It touches no scheduler state.
func (s *sweep) run(ctx context.Context, j job) outcome {
	began := time.Now()
	var state string
	var short bool
	var err error
	var hints []facts.IdentityHint
	if j.p.udp >= 0 {
		state, short, hints, err = s.probeUDP(ctx, j)
	} else {
		state, short, err = s.probeTCP(ctx, j)
	}
	if ctx.Err() != nil {
		return outcome{h: j.h, p: j.p, err: ctx.Err()}
	}
	return outcome{h: j.h, p: j.p, state: state, short: short, began: began, err: err, hints: hints}
}

// stateTimeout is an attempt that got no answer; the scheduler decides
// whether to retry it.
const stateTimeout = "timeout"

// probeTCP makes one connect attempt and closes at once: no byte is ever
// written, which keeps print ports (9100, 515, 631) from printing anything.
// Both a SYN-ACK and a RST measure a round trip for the adaptive timeout.
// It reports whether a timeout came from the adaptive timer.
func (s *sweep) probeTCP(ctx context.Context, j job) (string, bool, error) {
	address := netip.AddrPortFrom(j.addr, uint16(j.p.port)).String()
	if err := s.lim.Wait(ctx); err != nil {
		return "", false, fmt.Errorf("wait for rate limit: %w", err)
	}
	a := s.startAttempt(ctx, j)
	conn, err := s.dial(a.ctx, "tcp", address)
	rtt := time.Since(a.start)
	short := a.end()
	if err == nil {
		_ = conn.Close() // a failed close of a probe socket changes nothing
		s.rtt.observe(rtt)
		return "open", false, nil
	}
	if ctx.Err() != nil {
		return "", false, ctx.Err()
	}
	switch classify(err) {
	case classRefused:
		s.rtt.observe(rtt)
		return "closed", false, nil
	case classUnreachable:
		return "filtered", false, nil
	case classTimeout:
		return stateTimeout, short, nil
	}
	if short {
		// The watcher cancelled the dial, which reads as context.Canceled.
		return stateTimeout, true, nil
	}
	return "filtered", false, fmt.Errorf("probe tcp/%d: %w", j.p.port, err)
}

// probeUDP sends the datagrams of one UDP probe (SNMP, WSD or SLP) once
// and waits for one reply that the probe's parser accepts and that carries
// the attempt's ID. Errors never mention SNMP communities. Agents answer
// from application code, so their replies are not used as round-trip
// samples; the adaptive timeout still bounds the first attempt, and a live
// host's cut probe is retried with the full one.
func (s *sweep) probeUDP(ctx context.Context, j job) (string, bool, []facts.IdentityHint, error) {
	ex, err := newUDPExchange(s.cfg.UDPProbes[j.p.udp])
	if err != nil {
		return "", false, nil, err
	}
	address := netip.AddrPortFrom(j.addr, uint16(j.p.port)).String()
	// Rate tokens for every datagram are taken before the attempt starts,
	// so a queue at the limiter is not mistaken for a silent agent.
	for range ex.reqs {
		if err := s.lim.Wait(ctx); err != nil {
			return "", false, nil, fmt.Errorf("wait for rate limit: %w", err)
		}
	}
	a := s.startAttempt(ctx, j)
	var reply []byte
	ex.reply = &reply
	state, err := s.udpAttempt(a.ctx, j, address, ex)
	short := a.end()
	if ctx.Err() != nil {
		return "", false, nil, ctx.Err()
	}
	if (state == "" && err == nil) || (short && state != "open" && state != "closed") {
		return stateTimeout, short, nil, nil
	}
	var hints []facts.IdentityHint
	if state == "open" && ex.identify != nil && reply != nil {
		hints = ex.identify(reply)
	}
	return state, false, hints, err
}

// udpAttempt returns "" with no error when the attempt timed out; actx
// bounds the attempt.
func (s *sweep) udpAttempt(actx context.Context, j job, address string, ex udpExchange) (string, error) {
	if ex.anyPort && s.n.Dial == nil {
		return s.udpAttemptAnyPort(actx, j, ex)
	}
	conn, err := s.dial(actx, "udp", address)
	if err != nil {
		return s.udpFailure(j, err)
	}
	defer conn.Close()
	send := func(b []byte) error { _, err := conn.Write(b); return err }
	recv := func(b []byte) (int, bool, error) { n, err := conn.Read(b); return n, true, err }
	return s.exchange(actx, j, conn, ex, send, recv)
}

// udpAttemptAnyPort sends from an unconnected socket and takes a reply from
// any port of the target address, for servers that answer from a port of
// their own (TFTP). On Linux the socket asks for ICMP errors (recvErr), so
// a closed port reads as closed; elsewhere it reads as silent.
func (s *sweep) udpAttemptAnyPort(actx context.Context, j job, ex udpExchange) (string, error) {
	target := netip.AddrPortFrom(j.addr, uint16(j.p.port))
	network, local := "udp4", "0.0.0.0:0"
	if j.addr.Is6() && !j.addr.Is4In6() {
		network, local = "udp6", "[::]:0"
	}
	lc := net.ListenConfig{Control: recvErr}
	pc, err := lc.ListenPacket(actx, network, local)
	if err != nil {
		return "", fmt.Errorf("probe udp/%d: open socket: %w", j.p.port, err)
	}
	conn := pc.(*net.UDPConn)
	defer conn.Close()
	send := func(b []byte) error { _, err := conn.WriteToUDPAddrPort(b, target); return err }
	recv := func(b []byte) (int, bool, error) {
		n, from, err := conn.ReadFromUDPAddrPort(b)
		return n, from.Addr().Unmap() == j.addr.Unmap(), err
	}
	return s.exchange(actx, j, conn, ex, send, recv)
}

// exchange sends ex's datagrams and reads replies until one from the target
// matches, at most maxUDPReads, within actx.
func (s *sweep) exchange(actx context.Context, j job, conn net.Conn, ex udpExchange, send func([]byte) error, recv func([]byte) (int, bool, error)) (string, error) {
	deadline, _ := actx.Deadline()
	if err := conn.SetDeadline(deadline); err != nil {
		return "", fmt.Errorf("probe udp/%d: set deadline: %w", j.p.port, err)
	}
	// Deadlines do not watch ctx: cut the read short on cancellation.
	stop := context.AfterFunc(actx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	for _, r := range ex.reqs {
		if err := send(r); err != nil {
			return s.udpFailure(j, err)
		}
	}
	// One byte over the cap makes an oversized datagram fail the parser's
	// length check instead of being parsed truncated.
	buf := make([]byte, ex.maxReply+1)
	for range maxUDPReads {
		n, fromTarget, err := recv(buf)
		if err != nil {
			return s.udpFailure(j, err)
		}
		if fromTarget && ex.match(buf[:n]) {
			if ex.reply != nil {
				*ex.reply = slices.Clone(buf[:n])
			}
			return "open", nil
		}
	}
	return "", nil
}

func (s *sweep) udpFailure(j job, err error) (string, error) {
	switch classify(err) {
	case classRefused:
		return "closed", nil
	case classUnreachable:
		return "filtered", nil
	case classTimeout:
		return "", nil
	}
	return "filtered", fmt.Errorf("probe udp/%d: %w", j.p.port, err)
}
