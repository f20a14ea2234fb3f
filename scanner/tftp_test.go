package scanner

import (
	"bytes"
	"encoding/binary"
	"net"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testnet"
)

func TestTFTPReadRequestAndReply(t *testing.T) {
	q := tftpReadRequest("x.none")
	if !bytes.Equal(q, []byte("\x00\x01x.none\x00octet\x00")) {
		t.Fatalf("request % x", q)
	}
	if _, err := ParseTFTPReply(q); err == nil {
		t.Error("a reflected read request parsed as a reply")
	}
	tests := []struct {
		name   string
		b      []byte
		opcode uint16
		code   uint16
		ok     bool
	}{
		{"file not found", []byte("\x00\x05\x00\x01File not found\x00"), tftpError, 1, true},
		{"data block 1", append([]byte{0, 3, 0, 1}, make([]byte, 512)...), tftpData, 0, true},
		{"oack", []byte("\x00\x06blksize\x00512\x00"), tftpOACK, 0, true},
		{"ack", []byte{0, 4, 0, 1}, 0, 0, false},
		{"short", []byte{0, 5, 0}, 0, 0, false},
		{"too long", append([]byte{0, 3, 0, 1}, make([]byte, 513)...), 0, 0, false},
	}
	for _, tt := range tests {
		r, err := ParseTFTPReply(tt.b)
		if (err == nil) != tt.ok || (tt.ok && (r.Opcode != tt.opcode || r.ErrorCode != tt.code)) {
			t.Errorf("%s: reply %+v, err %v", tt.name, r, err)
		}
	}
	if a, b := tftpProbeName(), tftpProbeName(); a == b {
		t.Errorf("probe file name %q repeats", a)
	}
}

func FuzzParseTFTPReply(f *testing.F) {
	f.Add([]byte("\x00\x05\x00\x01File not found\x00"))
	f.Add([]byte{0, 3, 0, 1, 'x'})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseTFTPReply(b)
		if err == nil && (len(b) < 4 || len(b) > maxTFTPDatagram || (r.Opcode != tftpError && r.Opcode != tftpData && r.Opcode != tftpOACK)) {
			t.Fatalf("parsed %+v from % x", r, b)
		}
	})
}

// tftpServer answers a read request as RFC 1350 servers do: from a new
// port (its transfer ID), with "file not found". It records what it got.
func tftpServer(t *testing.T) (int, chan []byte) {
	t.Helper()
	got := make(chan []byte, 8)
	port := testnet.ServeUDP(t, "127.0.0.1:0", func(_ net.PacketConn, req []byte, from net.Addr) {
		got <- slices.Clone(req)
		if len(req) < 2 || binary.BigEndian.Uint16(req) != tftpRRQ {
			return
		}
		tid, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return
		}
		_, _ = tid.WriteTo([]byte("\x00\x05\x00\x01File not found\x00"), from)
		tid.Close()
	})
	return port, got
}

func TestNativeTFTPProbe(t *testing.T) {
	port, got := tftpServer(t)
	silent := udpResponder(t, func([]byte) []byte { return nil })
	cfg := SweepConfig{
		UDPProbes: []UDPProbe{{Port: port, Service: udpTFTP}, {Port: silent, Service: udpTFTP}},
		Timeout:   500 * time.Millisecond, Retries: -1, EmitAll: true,
	}
	res, err := sweepAll(t, NewNative(), mustTargets(t, "127.0.0.1"), cfg)
	if err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	want := []facts.Port{{Port: port, Protocol: "udp", State: "open", Service: "tftp"}, {Port: silent, Protocol: "udp", State: "filtered", Service: "tftp"}}
	slices.SortFunc(want, func(a, b facts.Port) int { return a.Port - b.Port })
	if len(res) != 1 || !slices.Equal(res[0].Ports, want) {
		t.Fatalf("results = %+v, want ports %+v", res, want)
	}
	// Only a read request was sent: never a write request (opcode 2).
	req := <-got
	if len(req) < 2 || binary.BigEndian.Uint16(req) != tftpRRQ || !bytes.HasSuffix(req, []byte("\x00octet\x00")) {
		t.Errorf("server received % x, want one RRQ", req)
	}
}

// A closed TFTP port answers with ICMP port unreachable, which the
// unconnected probe socket must see (Linux, IP_RECVERR): the sweep then
// moves on at once instead of waiting out its timeout.
func TestNativeTFTPClosedPort(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("ICMP errors on unconnected sockets are read on Linux only")
	}
	port := testnet.FreePort(t, "udp")
	cfg := SweepConfig{UDPProbes: []UDPProbe{{Port: port, Service: udpTFTP}}, Timeout: 5 * time.Second, Retries: -1, EmitAll: true}
	start := time.Now()
	got, err := sweepAll(t, NewNative(), mustTargets(t, "127.0.0.1"), cfg)
	if err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	if len(got) != 1 || len(got[0].Ports) != 1 || got[0].Ports[0].State != "closed" {
		t.Errorf("results = %+v, want one closed port", got)
	}
	if took := time.Since(start); took >= cfg.Timeout {
		t.Errorf("closed port took %s, the whole timeout", took)
	}
}
