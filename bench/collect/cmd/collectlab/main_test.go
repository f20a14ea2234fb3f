package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/lab"
)

// The fleet must cycle the default profiles across a /23 boundary, and the
// truth and targets must list exactly the listeners that accept.
func TestRunCyclesProfilesAcrossSubnet(t *testing.T) {
	dir := t.TempDir()
	truthPath, targetsPath := filepath.Join(dir, "truth.json"), filepath.Join(dir, "targets.txt")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-subnet", "127.91.6.0/23", "-devices", "247", "-port-offset", "24000",
			"-truth", truthPath, "-targets", targetsPath}, io.Discard)
	}()

	var tr truth
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, err := os.ReadFile(truthPath)
		if err == nil {
			if err := json.Unmarshal(b, &tr); err != nil {
				t.Fatalf("truth is not JSON: %v", err)
			}
			break
		}
		select {
		case err := <-done:
			t.Fatalf("collectlab stopped before writing the truth: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("no truth file after 30s")
		}
	}
	names := lab.ProfileNames()
	if len(tr.Devices) != 247 {
		t.Fatalf("truth has %d devices, want 247", len(tr.Devices))
	}
	// 247 devices from .10 end at 127.91.7.0: the fleet crosses the /24.
	if tr.Devices[0].Address != "127.91.6.10" || tr.Devices[246].Address != "127.91.7.0" {
		t.Errorf("addresses %s-%s, want 127.91.6.10-127.91.7.0", tr.Devices[0].Address, tr.Devices[246].Address)
	}
	for i, d := range tr.Devices {
		if want := names[i%len(names)]; d.Profile != want {
			t.Fatalf("device %d profile %q, want %q", i, d.Profile, want)
		}
	}
	b, err := os.ReadFile(targetsPath)
	if err != nil {
		t.Fatalf("read targets: %v", err)
	}
	lines := strings.Fields(string(b))
	if len(lines) != 247 || lines[0] != tr.Devices[0].Address || lines[246] != tr.Devices[246].Address {
		t.Errorf("targets file has %d lines (%q ... ), want the 247 addresses", len(lines), lines[:1])
	}
	last := tr.Devices[246]
	for _, p := range last.TCPPorts {
		c, err := net.DialTimeout("tcp", net.JoinHostPort(last.Address, strconv.Itoa(p)), 2*time.Second)
		if err != nil {
			t.Errorf("truth lists %s:%d but it does not accept: %v", last.Address, p, err)
			continue
		}
		c.Close()
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run after cancel: %v", err)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-targets", "x"}, // no -truth
		{"-truth", "x"},   // no -targets
		{"-truth", "x", "-targets", "y", "-devices", "0"},
		{"-truth", "x", "-targets", "y", "-subnet", "10.0.0.0/23"}, // lab refuses non-loopback
	} {
		if err := run(context.Background(), args, io.Discard); err == nil {
			t.Errorf("run(%q): no error", args)
		}
	}
}
