package lab

import (
	"net"
	"net/netip"
	"sync/atomic"
)

// countingListener counts the TCP connections a device accepts, so a test
// can prove a device was left alone (a resumed scan must not probe the
// devices an earlier run finished).
type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// counter returns the connection counter of the device at addr.
func (f *Fleet) counter(addr netip.Addr) *atomic.Int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.accepted == nil {
		f.accepted = map[netip.Addr]*atomic.Int64{}
	}
	n := f.accepted[addr]
	if n == nil {
		n = new(atomic.Int64)
		f.accepted[addr] = n
	}
	return n
}

// Connections returns how many TCP connections the device at addr has
// accepted on any of its ports since the fleet started.
func (f *Fleet) Connections(addr netip.Addr) int64 {
	return f.counter(addr).Load()
}
