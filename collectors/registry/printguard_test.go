package registry

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testnet"
)

// recorder is a print port that records every byte written to it.
type recorder struct {
	ln   net.Listener
	port int

	mu       sync.Mutex
	data     []byte
	accepted int
	finished int
	conns    []net.Conn
}

func listenRecorder(t *testing.T, addr netip.Addr, port int) (*recorder, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(addr.String(), strconv.Itoa(port)))
	if err != nil {
		return nil, err
	}
	r := &recorder{ln: ln, port: ln.Addr().(*net.TCPAddr).Port}
	t.Cleanup(r.close)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			r.mu.Lock()
			r.accepted++
			r.conns = append(r.conns, c)
			r.mu.Unlock()
			go func() {
				b, _ := io.ReadAll(c)
				r.mu.Lock()
				r.data = append(r.data, b...)
				r.finished++
				r.mu.Unlock()
			}()
		}
	}()
	return r, nil
}

func (r *recorder) close() {
	r.ln.Close()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.conns {
		c.Close()
	}
}

// take waits until every connection made so far has been closed by the
// scanner (so no byte can still be in flight), then returns and clears what
// was written.
func (r *recorder) take(t *testing.T) (written []byte, conns int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r.mu.Lock()
		done := r.finished == r.accepted
		if done || time.Now().After(deadline) {
			written, conns = r.data, r.accepted
			r.data, r.accepted, r.finished = nil, 0, 0
			r.mu.Unlock()
			if !done {
				t.Errorf("port %d: a connection stayed open after Collect returned", r.port)
			}
			return written, conns
		}
		r.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
}

func collectOnce(t *testing.T, opts collectors.Options, target *collectors.Target) *facts.Device {
	t.Helper()
	cs, as := Default(opts)
	e := collectors.NewEngine(opts, cs, as, nil)
	e.HostTimeout = 4 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return e.Collect(ctx, target)
}

var allRoles = []string{
	collectors.RoleHTTP, collectors.RoleHTTPS, collectors.RoleFTP, collectors.RoleTelnet,
	collectors.RoleSMTP, collectors.RoleLPD, collectors.RoleRaw, collectors.RoleIPP,
	collectors.RoleIPPS, collectors.RoleSMB, collectors.RoleLDAPS, collectors.RoleCanon,
	collectors.RoleOther,
}

// TestNoByteReachesAPrintPort runs every collector and analyser of the
// registry, with every opt-in on, against a port marked print in the port
// table and given each role in turn: whatever the collector speaks, nothing
// may be written there. The opt-in PJL probe is the one exception, on the
// raw port it names, and must then write exactly @PJL INFO ID (which also
// shows the recorder sees writes).
func TestNoByteReachesAPrintPort(t *testing.T) {
	addr := testnet.OwnLoopback()
	rec, err := listenRecorder(t, addr, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, pjl := range []bool{false, true} {
		for _, role := range allRoles {
			opts := collectors.Options{Timeout: 300 * time.Millisecond, ProbePJL: pjl,
				CheckDefaultCredentials: true, Communities: []string{"guard-test-community"}}
			target := &collectors.Target{
				Addr:  addr,
				Ports: []facts.Port{{Port: rec.port, Protocol: "tcp", State: "open"}},
				Roles: collectors.Roles{TCP: map[int]string{rec.port: role}, Print: map[int]bool{rec.port: true}, SNMPPort: 9},
			}
			collectOnce(t, opts, target)
			got, conns := rec.take(t)
			want := ""
			if pjl && role == collectors.RoleRaw {
				want = collectors.PJLInfoID
			}
			if string(got) != want {
				t.Errorf("probe-pjl %v, role %s: %d connection(s) wrote %q to the print port, want %q", pjl, role, conns, got, want)
			}
		}
	}
}

// TestRedirectToOwnPrintPortWritesNothing is a device whose Remote UI
// redirects to its own raw (9100 role and, when free, 9100 itself) and LPD
// ports, over http and https. Before the guard, the HTTP collector followed
// the redirect and wrote "GET / HTTP/1.1" there: a printed page.
func TestRedirectToOwnPrintPortWritesNothing(t *testing.T) {
	addr := testnet.OwnLoopback()
	raw, err := listenRecorder(t, addr, 0)
	if err != nil {
		t.Fatal(err)
	}
	lpd, err := listenRecorder(t, addr, 0)
	if err != nil {
		t.Fatal(err)
	}
	printers := []*recorder{raw, lpd}
	locations := []string{
		"http://" + net.JoinHostPort(addr.String(), strconv.Itoa(raw.port)) + "/",
		"https://" + net.JoinHostPort(addr.String(), strconv.Itoa(raw.port)) + "/",
		"http://null:" + strconv.Itoa(lpd.port) + "/",
	}
	// 9100 is a print port whatever the port table says: it is left out of
	// the roles below on purpose.
	if fixed, err := listenRecorder(t, addr, 9100); err == nil {
		printers = append(printers, fixed)
		locations = append(locations, "http://"+net.JoinHostPort(addr.String(), "9100")+"/")
	} else {
		t.Logf("9100 not free on %s (%v): fixed-port case left out", addr, err)
	}
	roles := collectors.Roles{TCP: map[int]string{raw.port: collectors.RoleRaw, lpd.port: collectors.RoleLPD}, SNMPPort: 9}
	var ports []facts.Port
	for _, loc := range locations {
		port := redirectServer(t, addr, loc)
		roles.TCP[port] = collectors.RoleHTTP
		ports = append(ports, facts.Port{Port: port, Protocol: "tcp", State: "open"})
	}
	opts := collectors.Options{Timeout: 500 * time.Millisecond, CheckDefaultCredentials: true}
	doc := collectOnce(t, opts, &collectors.Target{Addr: addr, Ports: ports, Roles: roles})
	redirected := 0
	for _, h := range doc.HTTP {
		if h.RedirectLocation != "" {
			redirected++
		}
	}
	if redirected != len(locations) {
		t.Fatalf("%d of %d HTTP ports recorded their redirect: the device was not exercised (%+v)", redirected, len(locations), doc.HTTP)
	}
	for _, p := range printers {
		if got, conns := p.take(t); len(got) > 0 {
			t.Errorf("print port %d: %d connection(s) wrote %q", p.port, conns, got)
		}
	}
}

// redirectServer answers every request with a 302 to location.
func redirectServer(t *testing.T, addr netip.Addr, location string) int {
	t.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort(addr.String(), "0"))
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Location", location)
		w.WriteHeader(http.StatusFound)
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Error(err)
		}
	}()
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}
