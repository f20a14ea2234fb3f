package testnet

import (
	"bufio"
	"context"
	"net"
	"strconv"
	"testing"
	"time"
)

// fakeT records Errorf instead of failing the real test.
type fakeT struct {
	testing.TB
	errors int
}

func (f *fakeT) Errorf(string, ...any) { f.errors++ }

func TestLoopbackDialerRefusesOtherAddresses(t *testing.T) {
	ft := &fakeT{TB: t}
	d := NewLoopbackDialer(ft)
	// 192.0.2.1 (TEST-NET-1) is refused before any packet is sent.
	if _, err := d.DialContext(context.Background(), "tcp", "192.0.2.1:80"); err == nil || ft.errors != 1 {
		t.Errorf("non-loopback dial: err %v, %d test errors; want an error and one test error", err, ft.errors)
	}
	if _, err := d.DialContext(context.Background(), "tcp", "printer:80"); err == nil || ft.errors != 2 {
		t.Errorf("name dial: err %v, %d test errors; want refused", err, ft.errors)
	}
	if len(d.Dials()) != 0 {
		t.Errorf("refused dials recorded: %v", d.Dials())
	}
}

func TestServeAndDial(t *testing.T) {
	addr := Serve(t, "127.0.0.1:0", func(c net.Conn) { _, _ = c.Write([]byte("hello\n")) })
	d := NewLoopbackDialer(t)
	c, err := d.DialContext(context.Background(), "tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || line != "hello\n" {
		t.Errorf("read %q, %v; want hello", line, err)
	}
	if got := d.Dials(); len(got) != 1 || got[0] != addr.String() {
		t.Errorf("Dials() = %v, want [%s]", got, addr)
	}
}

func TestFreePort(t *testing.T) {
	tcp := FreePort(t, "tcp")
	if c, err := NewLoopbackDialer(t).DialContext(context.Background(), "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp))); err == nil {
		c.Close()
		t.Errorf("dial of free tcp port %d connected, want refused", tcp)
	}
	udp := FreePort(t, "udp")
	pc, err := net.ListenPacket("udp", net.JoinHostPort("127.0.0.1", strconv.Itoa(udp)))
	if err != nil {
		t.Fatalf("free udp port %d cannot be bound again: %v", udp, err)
	}
	pc.Close()
}

func TestServeUDP(t *testing.T) {
	port := ServeUDP(t, "127.0.0.1:0", func(pc net.PacketConn, req []byte, from net.Addr) {
		_, _ = pc.WriteTo(append([]byte("re: "), req...), from)
	})
	c, err := NewLoopbackDialer(t).DialContext(context.Background(), "udp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != "re: ping" {
		t.Errorf("answer %q, %v; want re: ping", buf[:n], err)
	}
}

func TestListenOwn(t *testing.T) {
	ln, err := ListenOwn("0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	a := ln.Addr().(*net.TCPAddr).AddrPort().Addr().As4()
	if a[0] != 127 || a[1] < 30 || a[1] > 89 || a[3] == 0 {
		t.Errorf("listening on %v, want an address in 127.30-89.x.y", ln.Addr())
	}
	c, err := NewLoopbackDialer(t).DialContext(context.Background(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("dial %v: %v", ln.Addr(), err)
	}
	c.Close()
}
