package lab

import (
	"bytes"
	"testing"
)

// The fleet table lists the BJNP ports a profile really answers on: the MF
// profile's get-identity reply comes from each listed port, and the HP
// profile lists none.
func TestBJNPPortsListed(t *testing.T) {
	f, cfg := startFleet(t, ProfileMF, ProfileHP)
	mf := device(t, f, ProfileMF)
	want := []int{bjnpPrinterPort + cfg.PortOffset, bjnpScannerPort + cfg.PortOffset}
	if len(mf.BJNPPorts) != 2 || mf.BJNPPorts[0] != want[0] || mf.BJNPPorts[1] != want[1] {
		t.Fatalf("MF BJNP ports %v, want %v", mf.BJNPPorts, want)
	}
	for i, port := range mf.BJNPPorts {
		req := make([]byte, 16)
		copy(req, "BJNP")
		req[4], req[5] = byte(i+1), 0x30
		reply, err := exchange(t, mf.Addr, port, req)
		if err != nil {
			t.Fatalf("BJNP get-identity on listed port %d: %v", port, err)
		}
		if !bytes.HasPrefix(reply, []byte("BJNP")) {
			t.Errorf("port %d replied %q, want a BJNP header", port, reply)
		}
	}
	if hp := device(t, f, ProfileHP); len(hp.BJNPPorts) != 0 {
		t.Errorf("HP profile lists BJNP ports %v", hp.BJNPPorts)
	}
}
