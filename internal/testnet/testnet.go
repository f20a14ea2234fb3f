// Package testnet holds the network helpers that tests of several packages
// share: a dialer that refuses anything but loopback, and a loopback server
// that hands each connection to a handler until the test ends. Tests send
// traffic only to loopback; the dialer makes a bug that would dial elsewhere
// fail the test instead.
package testnet

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
)

// LoopbackDialer dials like net.Dialer but refuses, and reports as a test
// error, any address that is not loopback. It records what it dialled.
type LoopbackDialer struct {
	t     testing.TB
	mu    sync.Mutex
	dials []string
}

// NewLoopbackDialer returns a dialer that reports to t.
func NewLoopbackDialer(t testing.TB) *LoopbackDialer { return &LoopbackDialer{t: t} }

// DialContext implements the collectors' dialer interface.
func (d *LoopbackDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("split address: %w", err)
	}
	if a, err := netip.ParseAddr(host); err != nil || !a.IsLoopback() {
		d.t.Errorf("dial to non-loopback %q", address)
		return nil, fmt.Errorf("dial %s: not loopback", address)
	}
	d.mu.Lock()
	d.dials = append(d.dials, address)
	d.mu.Unlock()
	var nd net.Dialer
	return nd.DialContext(ctx, network, address)
}

// Dials lists the addresses dialled so far, in order.
func (d *LoopbackDialer) Dials() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.dials...)
}

// Serve listens on addr (a loopback host:port, port 0 for any) until the
// test ends and runs handle for each connection in its own goroutine,
// closing the connection when handle returns.
func Serve(t testing.TB, addr string, handle func(net.Conn)) *net.TCPAddr {
	t.Helper()
	return accept(t, addr, func(c net.Conn) {
		go func() {
			defer c.Close()
			handle(c)
		}()
	})
}

// ServeUDP listens for datagrams on addr (a loopback host:port, port 0 for
// any) until the test ends and passes each to handle in turn, with the
// socket to answer on. req is valid only during the call. It returns the
// port.
func ServeUDP(t testing.TB, addr string, handle func(pc net.PacketConn, req []byte, from net.Addr)) int {
	t.Helper()
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		t.Fatalf("listen udp %s: %v", addr, err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			handle(pc, buf[:n], from)
		}
	}()
	return int(netip.MustParseAddrPort(pc.LocalAddr().String()).Port())
}

// CountingListener accepts on a loopback port until the test ends, counting
// and closing every connection, so a test can prove that nothing was sent.
// The count is raised before the next accept, so once the client is done a
// zero count means no connection arrived.
func CountingListener(t testing.TB) (*net.TCPAddr, *atomic.Int64) {
	t.Helper()
	accepted := &atomic.Int64{}
	addr := accept(t, "127.0.0.1:0", func(c net.Conn) {
		accepted.Add(1)
		c.Close()
	})
	return addr, accepted
}

// accept listens on addr until the test ends and passes each connection to
// take in the accepting goroutine.
func accept(t testing.TB, addr string, take func(net.Conn)) *net.TCPAddr {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	t.Cleanup(func() { ln.Close() })
	go acceptLoop(ln, take)
	return ln.Addr().(*net.TCPAddr)
}

// acceptLoop hands each connection to take until ln is closed.
func acceptLoop(ln net.Listener, take func(net.Conn)) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		take(c)
	}
}

// FreePort returns a loopback port of network ("tcp" or "udp") that was
// free a moment ago and is closed again: a port that refuses, or one to
// hand to a peer program that cannot pick its own.
func FreePort(t testing.TB, network string) int {
	t.Helper()
	return FreePortOn(t, network, "127.0.0.1")
}

// FreePortOn is FreePort on another loopback host.
func FreePortOn(t testing.TB, network, host string) int {
	t.Helper()
	addr := net.JoinHostPort(host, "0")
	var c io.Closer
	var got net.Addr
	switch network {
	case "tcp":
		ln, err := net.Listen(network, addr)
		if err != nil {
			t.Fatalf("find a free tcp port: %v", err)
		}
		c, got = ln, ln.Addr()
	case "udp":
		pc, err := net.ListenPacket(network, addr)
		if err != nil {
			t.Fatalf("find a free udp port: %v", err)
		}
		c, got = pc, pc.LocalAddr()
	default:
		t.Fatalf("find a free port: unknown network %q", network)
	}
	c.Close()
	return int(netip.MustParseAddrPort(got.String()).Port())
}

// OwnLoopback returns a random loopback address in 127.30-89.x.y, below
// the lab fleets' subnets, for a test that wants an address no other test
// listens on: there a fixed port such as 8080 is free.
func OwnLoopback() netip.Addr {
	return netip.AddrFrom4([4]byte{127, 30 + byte(rand.IntN(60)), byte(rand.IntN(250)), 1 + byte(rand.IntN(250))})
}

// ListenOwn listens on TCP port ("0" for any) of an OwnLoopback address,
// trying ten addresses before it gives up.
func ListenOwn(port string) (net.Listener, error) {
	var err error
	for range 10 {
		var ln net.Listener
		if ln, err = net.Listen("tcp", net.JoinHostPort(OwnLoopback().String(), port)); err == nil {
			return ln, nil
		}
	}
	return nil, fmt.Errorf("listen on a loopback address of its own: %w", err)
}

// Tarpit is a device that accepts and never answers, on a loopback address
// of its own (ListenOwn) at port ("0" for any). The first byte a client
// sends calls onData, once: for discovery, which connects and closes, that
// is a collector's request. Connections stay open until the test ends.
func Tarpit(t testing.TB, port string, onData func()) (netip.AddrPort, error) {
	t.Helper()
	ln, err := ListenOwn(port)
	if err != nil {
		return netip.AddrPort{}, err
	}
	var conns sync.WaitGroup
	var mu sync.Mutex
	var open []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range open {
			c.Close()
		}
		mu.Unlock()
		conns.Wait()
	})
	var once sync.Once
	go acceptLoop(ln, func(c net.Conn) {
		mu.Lock()
		open = append(open, c)
		mu.Unlock()
		conns.Go(func() {
			if n, _ := c.Read(make([]byte, 1)); n > 0 {
				once.Do(onData)
			}
		})
	})
	return netip.MustParseAddrPort(ln.Addr().String()), nil
}
