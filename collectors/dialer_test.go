package collectors

import (
	"context"
	"errors"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/internal/testnet"
)

// listen accepts on addr and holds every connection open until the test
// ends.
func listen(t *testing.T, addr string) string {
	t.Helper()
	return testnet.Serve(t, addr, func(net.Conn) { <-t.Context().Done() }).String()
}

func TestDialerPerHostLimit(t *testing.T) {
	a1 := listen(t, "127.0.0.1:0")
	other := listen(t, "127.0.0.2:0")
	d := NewDialer(time.Second, 1)

	first, err := d.DialContext(context.Background(), "tcp", a1)
	if err != nil {
		t.Fatalf("first dial: %v", err)
	}
	// Same host, slot taken: must wait, so a short context expires.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if c, err := d.DialContext(ctx, "tcp", a1); err == nil {
		c.Close()
		t.Fatal("second dial to the same host succeeded while the slot was held")
	} else if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second dial error = %v, want deadline exceeded", err)
	}
	// Another host is not limited by the first.
	c2, err := d.DialContext(context.Background(), "tcp", other)
	if err != nil {
		t.Fatalf("dial other host: %v", err)
	}
	c2.Close()

	if err := first.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	_ = first.Close() // a second Close must not free a second slot
	c3, err := d.DialContext(context.Background(), "tcp", a1)
	if err != nil {
		t.Fatalf("dial after release: %v", err)
	}
	c3.Close()

	hd := d.(*hostDialer)
	hd.mu.Lock()
	defer hd.mu.Unlock()
	if len(hd.slots) != 0 {
		t.Errorf("slot map holds %d hosts after all connections closed", len(hd.slots))
	}
}

func TestDialerErrors(t *testing.T) {
	d := NewDialer(time.Second, 2)
	if _, err := d.DialContext(context.Background(), "tcp", "no-port"); err == nil {
		t.Error("address without port accepted")
	}
	// A port nobody listens on: refused, and the slot is given back.
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(testnet.FreePort(t, "tcp")))
	_, err := d.DialContext(context.Background(), "tcp", addr)
	if st, _ := Classify(err); st != "refused" {
		t.Errorf("dial closed port: %v classified %s, want refused", err, st)
	}
	if n := len(d.(*hostDialer).slots); n != 0 {
		t.Errorf("failed dial leaked %d slot entries", n)
	}
}
