package snmp

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
)

// TestExchangeStopsOnCancel: an agent that never answers, an hour-long
// timeout, and a cancel once the request has arrived. The exchange must end
// with the cancellation, not wait out the timeout and its retries.
func TestExchangeStopsOnCancel(t *testing.T) {
	agent, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer agent.Close()
	conn, err := net.Dial("udp", agent.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	s := newSession(conn, time.Hour, 3)
	req, err := s.communityRequest(gosnmp.Version2c, "public", gosnmp.GetRequest, []string{"1.3.6.1.2.1.1.1.0"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		// Cancel only once the request is on the wire, so the exchange is
		// blocked reading when it comes.
		buf := make([]byte, maxDatagram)
		if _, _, err := agent.ReadFrom(buf); err == nil {
			cancel()
		}
	}()
	done := make(chan error, 1)
	go func() { done <- s.exchange(ctx, []*request{req}) }()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("exchange returned %v, want context.Canceled", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("exchange still waiting a minute after the cancel (timeout is an hour)")
	}
	if req.reply != nil {
		t.Fatal("a silent agent produced a reply")
	}
}
