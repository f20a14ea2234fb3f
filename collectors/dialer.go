package collectors

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"
)

// NewDialer returns the engine's Dialer: every connection gets timeout as its
// connect deadline, and at most perHost connections to one host are open at
// once, because embedded web servers and SNMP agents on printers fall over
// under bursts. A perHost below 1 means 1.
func NewDialer(timeout time.Duration, perHost int) Dialer {
	if perHost < 1 {
		perHost = 1
	}
	return &hostDialer{
		dialer:  net.Dialer{Timeout: timeout},
		perHost: perHost,
		slots:   make(map[string]*hostSlots),
	}
}

type hostDialer struct {
	dialer  net.Dialer
	perHost int

	mu    sync.Mutex
	slots map[string]*hostSlots
}

// hostSlots is the semaphore of one host; users counts the goroutines holding
// or waiting for it, so the map entry can be dropped when a sweep moves on.
type hostSlots struct {
	sem   chan struct{}
	users int
}

// DialContext waits for a free slot for the host, then dials. The slot is
// held until the returned connection is closed.
func (d *hostDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("split address %q: %w", address, err)
	}
	s := d.acquireEntry(host)
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		d.releaseEntry(host, s)
		return nil, fmt.Errorf("wait for dial slot: %w", ctx.Err())
	}
	conn, err := d.dialer.DialContext(ctx, network, address)
	if err != nil {
		<-s.sem
		d.releaseEntry(host, s)
		return nil, fmt.Errorf("dial %s %s: %w", network, address, err)
	}
	sc := &slotConn{Conn: conn, release: func() {
		<-s.sem
		d.releaseEntry(host, s)
	}}
	// 9100-9107 and 515 are guarded here too, whoever uses this dialer;
	// the engine adds the port table's own print ports and the opt-in.
	if _, p, _ := net.SplitHostPort(address); p != "" {
		if port, err := strconv.Atoi(p); err == nil && fixedPrintPort(port) {
			return &printConn{Conn: sc, pjl: grantedPJL(ctx, port)}, nil
		}
	}
	return sc, nil
}

func (d *hostDialer) acquireEntry(host string) *hostSlots {
	d.mu.Lock()
	defer d.mu.Unlock()
	s, ok := d.slots[host]
	if !ok {
		s = &hostSlots{sem: make(chan struct{}, d.perHost)}
		d.slots[host] = s
	}
	s.users++
	return s
}

func (d *hostDialer) releaseEntry(host string, s *hostSlots) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s.users--
	if s.users == 0 {
		delete(d.slots, host)
	}
}

// slotConn gives the host slot back on the first Close.
type slotConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *slotConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
