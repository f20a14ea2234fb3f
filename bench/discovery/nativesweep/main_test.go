package main

import (
	"io"
	"slices"
	"testing"

	"github.com/mfpscan/mfpscan/internal/porttable"
)

// TestBenchmarkSweepsTheTable: without -ports the benchmark's engine row
// sweeps the port table's default TCP ports and UDP probes, as the CLI does.
func TestBenchmarkSweepsTheTable(t *testing.T) {
	cfg, targets, err := parseArgs([]string{"127.0.0.1"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(targets, []string{"127.0.0.1"}) {
		t.Errorf("targets %v", targets)
	}
	if !slices.Equal(cfg.TCPPorts, porttable.DefaultTCP()) {
		t.Errorf("TCP ports %v, port table %v", cfg.TCPPorts, porttable.DefaultTCP())
	}
	var udp, want []int
	for _, p := range cfg.UDPProbes {
		udp = append(udp, p.Port)
	}
	for _, e := range porttable.DefaultUDP() {
		want = append(want, e.Port)
	}
	if !slices.Equal(udp, want) {
		t.Errorf("UDP probes on %v, port table %v", udp, want)
	}
	cfg, _, err = parseArgs([]string{"-ports", "80,9100", "-no-udp", "127.0.0.1"}, io.Discard)
	if err != nil || !slices.Equal(cfg.TCPPorts, []int{80, 9100}) || cfg.UDPProbes != nil {
		t.Errorf("-ports 80,9100 -no-udp: %v %v, err %v", cfg.TCPPorts, cfg.UDPProbes, err)
	}
}
