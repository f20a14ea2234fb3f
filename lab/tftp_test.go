package lab

import (
	"bytes"
	"net"
	"net/netip"
	"testing"
	"time"
)

// The HP profile's TFTP server answers a read request with "file not found"
// from a port of its own, as RFC 1350 servers do; the other profiles run
// none.
func TestTFTP(t *testing.T) {
	f, cfg := startFleet(t, ProfileHP, ProfileMF)
	hp := device(t, f, ProfileHP)
	if hp.TFTPPort != tftpPort+cfg.PortOffset {
		t.Fatalf("HP TFTP port %d, want %d", hp.TFTPPort, tftpPort+cfg.PortOffset)
	}
	if mf := device(t, f, ProfileMF); mf.TFTPPort != 0 {
		t.Errorf("MF profile runs TFTP on %d", mf.TFTPPort)
	}
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	server := netip.AddrPortFrom(hp.Addr, uint16(hp.TFTPPort))
	if _, err := conn.WriteToUDPAddrPort([]byte("\x00\x01none.bin\x00octet\x00"), server); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 600)
	n, from, err := conn.ReadFromUDPAddrPort(buf)
	if err != nil {
		t.Fatalf("no answer to a read request: %v", err)
	}
	if !bytes.Equal(buf[:n], []byte("\x00\x05\x00\x01File not found\x00")) {
		t.Errorf("reply % x, want ERROR 1 file not found", buf[:n])
	}
	if from.Addr() != hp.Addr || from.Port() == server.Port() {
		t.Errorf("reply from %s, want %s on a transfer port of its own", from, hp.Addr)
	}
}
