package collectors

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
)

// PJLInfoID asks a raw print port for its model, wrapped in Universal Exit
// Language so the printer treats it as a PJL job header and prints nothing.
// It is the only payload the print-port guard lets through, and only with
// the operator's opt-in (Options.ProbePJL).
const PJLInfoID = "\x1b%-12345X@PJL INFO ID\r\n\x1b%-12345X"

// ErrPrintPortWrite is returned by a connection to a print port on any
// write: on a real printer the bytes would print.
var ErrPrintPortWrite = errors.New("refused to write to a print port (connect-only)")

// fixedPrintPorts are print ports whatever the port table says: raw
// AppSocket/JetDirect 9100-9107 and LPD 515.
func fixedPrintPort(port int) bool {
	return (port >= 9100 && port <= 9107) || port == 515
}

// IsPrint reports whether port is a print port: 9100-9107 and 515 always,
// plus every port the table gives the raw or lpd role or marks in Print.
func (r Roles) IsPrint(port int) bool {
	if fixedPrintPort(port) || r.Print[port] {
		return true
	}
	role := r.TCP[port]
	return role == RoleRaw || role == RoleLPD
}

type pjlGrantKey struct{}

// GrantPJL returns a context that lets a connection dialled with it to port
// carry one PJLInfoID write. The engine honours it only when the operator
// opted in (Options.ProbePJL); every other write to a print port is refused.
func GrantPJL(ctx context.Context, port int) context.Context {
	return context.WithValue(ctx, pjlGrantKey{}, port)
}

func grantedPJL(ctx context.Context, port int) bool {
	p, ok := ctx.Value(pjlGrantKey{}).(int)
	return ok && p == port
}

// GuardPrintPorts wraps d so that a connection to a print port of roles
// cannot write: connecting (the fact that the port is open) is all a scan
// may do there. The one exception is the PJL INFO ID probe, when allowPJL is
// set and the dial context carries GrantPJL for that port, and then only
// the exact PJLInfoID bytes, once. Being below every collector, the guard
// also covers redirects, TLS handshakes and credential checks that a
// hostile device steers at its own print ports.
func GuardPrintPorts(d Dialer, roles Roles, allowPJL bool) Dialer {
	return printGuard{inner: d, roles: roles, allowPJL: allowPJL}
}

type printGuard struct {
	inner    Dialer
	roles    Roles
	allowPJL bool
}

func (g printGuard) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	_, p, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("split address %q: %w", address, err)
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		return nil, fmt.Errorf("dial %s: port %q is not a number", address, p)
	}
	conn, err := g.inner.DialContext(ctx, network, address)
	if err != nil || !g.roles.IsPrint(port) {
		return conn, err
	}
	return &printConn{Conn: conn, pjl: g.allowPJL && grantedPJL(ctx, port)}, nil
}

// printConn refuses every write, but one PJLInfoID when pjl is set.
type printConn struct {
	net.Conn
	mu  sync.Mutex
	pjl bool
}

func (c *printConn) Write(b []byte) (int, error) {
	c.mu.Lock()
	ok := c.pjl && bytes.Equal(b, []byte(PJLInfoID))
	c.pjl = false
	c.mu.Unlock()
	if !ok {
		return 0, ErrPrintPortWrite
	}
	return c.Conn.Write(b)
}
