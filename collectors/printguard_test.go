package collectors

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"strconv"
	"testing"

	"github.com/mfpscan/mfpscan/facts"
)

// recorder accepts one connection on loopback and returns what it received.
func recorder(t *testing.T) (int, <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- "accept: " + err.Error()
			return
		}
		b, _ := io.ReadAll(c)
		c.Close()
		got <- string(b)
	}()
	return ln.Addr().(*net.TCPAddr).Port, got
}

// writer is a collector that writes payload to one port, as a buggy probe
// or a followed redirect would.
type writer struct {
	port    int
	payload string
	grant   bool // dial as the banner collector does for its PJL probe
	err     error
}

func (*writer) Name() string { return "writer" }

func (w *writer) Collect(ctx context.Context, env *Env, t *Target, _ *facts.Device) facts.CollectorStatus {
	if w.grant {
		ctx = GrantPJL(ctx, w.port)
	}
	conn, err := env.Dialer.DialContext(ctx, "tcp", net.JoinHostPort(t.Addr.String(), strconv.Itoa(w.port)))
	if err != nil {
		w.err = err
		return facts.CollectorStatus{Status: facts.StatusError}
	}
	_, w.err = conn.Write([]byte(w.payload))
	conn.Close()
	return facts.CollectorStatus{Status: facts.StatusOK}
}

// TestPrintPortsConnectOnly: below every collector, nothing reaches a raw or
// LPD port, on whatever number the target's roles put it, except PJL INFO ID
// with ProbePJL; other ports are not touched by the guard.
func TestPrintPortsConnectOnly(t *testing.T) {
	tests := []struct {
		name     string
		role     string
		pjl      bool
		grant    bool
		payload  string
		wantSent bool
	}{
		{"raw refuses a print job", RoleRaw, false, true, "%!PS\nshowpage\n", false},
		{"raw refuses PJL without opt-in", RoleRaw, false, true, PJLInfoID, false},
		{"raw refuses PJL without the probe's grant", RoleRaw, true, false, PJLInfoID, false},
		{"raw takes PJL INFO ID with opt-in and grant", RoleRaw, true, true, PJLInfoID, true},
		{"raw refuses other bytes even with opt-in", RoleRaw, true, true, "GET / HTTP/1.0\r\n\r\n", false},
		{"lpd refuses PJL without a grant", RoleLPD, true, false, PJLInfoID, false},
		{"http is not guarded", RoleHTTP, false, false, "GET / HTTP/1.0\r\n\r\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			port, got := recorder(t)
			w := &writer{port: port, payload: tt.payload, grant: tt.grant}
			e := NewEngine(Options{ProbePJL: tt.pjl}, []Collector{w}, nil, nil)
			e.Collect(context.Background(), &Target{
				Addr:  netip.MustParseAddr("127.0.0.1"),
				Roles: Roles{TCP: map[int]string{port: tt.role}},
			})
			sent := <-got
			if tt.wantSent {
				if w.err != nil || sent != tt.payload {
					t.Fatalf("write error %v, peer got %q; want %q through", w.err, sent, tt.payload)
				}
				return
			}
			if !errors.Is(w.err, ErrPrintPortWrite) || sent != "" {
				t.Fatalf("write error %v, peer got %q; want the write refused and nothing sent", w.err, sent)
			}
		})
	}
}
