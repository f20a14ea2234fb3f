package collectors

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
)

// PJLInfoID is the one payload ever written to a raw print port: the opt-in
// "@PJL INFO ID" model query, wrapped in Universal Exit Language so the
// printer leaves PJL mode without printing.
const PJLInfoID = "\x1b%-12345X@PJL INFO ID\r\n\x1b%-12345X"

// ErrPrintPortWrite is returned by a write the print-port guard refused.
var ErrPrintPortWrite = errors.New("refused to write to a print port (connect-only)")

// printGuard wraps the engine's Dialer for one target: connections to the
// target's print ports (roles raw and lpd, the port table's print ports, by
// role so the lab's shifted ports are covered) refuse every write, except
// PJLInfoID on a raw port when the operator opted in with ProbePJL. It sits
// below every collector, so no redirect, probe or bug can print a page.
type printGuard struct {
	Dialer
	roles    Roles
	allowPJL bool
}

func (g printGuard) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	conn, err := g.Dialer.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	_, portText, splitErr := net.SplitHostPort(address)
	port, atoiErr := strconv.Atoi(portText)
	if splitErr != nil || atoiErr != nil {
		conn.Close()
		return nil, fmt.Errorf("print-port guard: parse address %q", address)
	}
	switch g.roles.TCP[port] {
	case RoleRaw:
		return &guardedConn{Conn: conn, allowPJL: g.allowPJL}, nil
	case RoleLPD:
		return &guardedConn{Conn: conn}, nil
	}
	return conn, nil
}

// guardedConn is a connection to a print port.
type guardedConn struct {
	net.Conn
	allowPJL bool
}

func (c *guardedConn) Write(p []byte) (int, error) {
	if c.allowPJL && string(p) == PJLInfoID {
		return c.Conn.Write(p)
	}
	return 0, ErrPrintPortWrite
}
