package pipeline

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/internal/testnet"
	"github.com/mfpscan/mfpscan/lab/labtest"
)

// heldDevice is a device on a loopback address of its own whose collection
// cannot end before the test releases it: every connection that carries a
// collector's request (discovery only connects) is held until release is
// closed. gaveUp is set when a collector stopped waiting on its own first.
type heldDevice struct {
	addr    netip.Addr
	port    int
	release chan struct{}
	free    func()
	gaveUp  atomic.Bool
	// collecting is closed when the first collector request arrives.
	collecting chan struct{}
	started    func()
}

func startHeldDevice(t *testing.T) *heldDevice {
	t.Helper()
	h := &heldDevice{release: make(chan struct{})}
	h.free = sync.OnceFunc(func() { close(h.release) })
	h.collecting = make(chan struct{})
	h.started = sync.OnceFunc(func() { close(h.collecting) })
	ln, err := testnet.ListenOwn("0")
	if err != nil {
		t.Fatalf("no loopback address of its own for the held device: %v", err)
	}
	var conns sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		h.free()
		conns.Wait()
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Go(func() {
				defer c.Close()
				h.hold(c)
			})
		}
	}()
	ap := ln.Addr().(*net.TCPAddr).AddrPort()
	h.addr, h.port = ap.Addr(), int(ap.Port())
	return h
}

// hold keeps a collector's connection open, unanswered, until the test
// releases the device or the collector hangs up.
func (h *heldDevice) hold(c net.Conn) {
	if _, err := c.Read(make([]byte, 1)); err != nil {
		return
	}
	h.started()
	gone := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, c)
		close(gone)
	}()
	select {
	case <-h.release:
	case <-gone:
		h.gaveUp.Store(true)
	}
}

// jsonlLine is what the streaming tests read of each stdout line.
type jsonlLine struct {
	Type       string `json:"type"`
	Address    string `json:"address"`
	Incomplete bool   `json:"incomplete"`
}

// streamScan starts a scan of the lab and a held device with --format jsonl
// --out -, standard output being a pipe the test reads; the lines come on
// the channel, and the scan's result on the other once the stream is read
// to its end.
func streamScan(ctx context.Context, t *testing.T) (*heldDevice, <-chan jsonlLine, <-chan error) {
	t.Helper()
	_, lc := labtest.Start(t)
	held := startHeldDevice(t)
	cfg := labScanConfig(t, lc, StdoutOut)
	cfg.Formats = []string{"jsonl"}
	cfg.Targets = append(cfg.Targets, held.addr.String())
	cfg.Ports = append(cfg.Ports, held.port)
	cfg.Roles.TCP[held.port] = collectors.RoleHTTP
	// Collectors wait on the held device until the test releases it, or
	// until their timeout: long beside the second or so the lab's first
	// device takes, short enough that the lab's SNMP waits (some of its
	// requests go unanswered) keep the test brief.
	cfg.Collect.Timeout, cfg.HostDeadline = 15*time.Second, time.Minute
	r, w := io.Pipe()
	cfg.Stdout = w
	lines := make(chan jsonlLine, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var l jsonlLine
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				l.Type = "not JSON: " + sc.Text()
			}
			lines <- l
		}
	}()
	done := make(chan error, 1)
	go func() {
		err := Scan(ctx, cfg)
		w.Close()
		done <- err
	}()
	return held, lines, done
}

// TestStreamWritesDevicesAsTheyComplete: a device's lines reach the reader
// while another device is still being collected (it cannot finish before
// the reader has seen the first one), not after the sweep.
func TestStreamWritesDevicesAsTheyComplete(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the lab fleet")
	}
	held, lines, done := streamScan(context.Background(), t)
	var got []jsonlLine
	for l := range lines {
		if len(got) == 0 {
			if l.Type != "device" || l.Address == held.addr.String() {
				t.Fatalf("first line %+v, want a lab device's (the held device is not finished)", l)
			}
			// The held device is still being collected (once the sweep
			// has reached it): release it.
			<-held.collecting
			held.free()
		}
		got = append(got, l)
	}
	if err := <-done; err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if held.gaveUp.Load() {
		t.Fatal("the held device's collector gave up before the reader saw the first device: the stream waited for the sweep")
	}
	checkStream(t, got, held.addr.String(), false)
}

// TestStreamInterruptedEndsCleanly: a scan interrupted while a device is
// being collected writes that device, marked incomplete, and ends the
// stream with a summary that says the run is incomplete.
func TestStreamInterruptedEndsCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the lab fleet")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	held, lines, done := streamScan(ctx, t)
	var got []jsonlLine
	for l := range lines {
		if len(got) == 0 {
			// Interrupt while the held device is being collected.
			<-held.collecting
			cancel()
		}
		got = append(got, l)
	}
	if err := <-done; !errors.Is(err, ErrInterrupted) {
		t.Fatalf("Scan after the interrupt = %v, want ErrInterrupted", err)
	}
	checkStream(t, got, held.addr.String(), true)
}

// checkStream checks the stream holds the held device once (incomplete only
// when interrupted), after at least one other device, and ends with the
// summary.
func checkStream(t *testing.T, got []jsonlLine, held string, interrupted bool) {
	t.Helper()
	if len(got) == 0 {
		t.Fatal("empty stream")
	}
	pos := -1
	for i, l := range got {
		if l.Type == "device" && l.Address == held {
			if pos >= 0 {
				t.Errorf("held device %s written twice", held)
			}
			pos = i
			if l.Incomplete != interrupted {
				t.Errorf("held device incomplete = %v, want %v", l.Incomplete, interrupted)
			}
		}
		if l.Type != "device" && l.Type != "finding" && l.Type != "summary" {
			t.Errorf("line %d: %s", i, l.Type)
		}
	}
	if pos <= 0 {
		t.Errorf("held device at line %d of %d, want after the first device's", pos, len(got))
	}
	last := got[len(got)-1]
	if last.Type != "summary" || last.Incomplete != interrupted {
		t.Errorf("last line %+v, want the summary with incomplete %v", last, interrupted)
	}
	t.Logf("%d lines, the held device's at %s", len(got), strconv.Itoa(pos))
}
