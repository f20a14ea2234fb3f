package main

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/bench/internal/labtruth"
	"github.com/mfpscan/mfpscan/lab"
)

// startLab runs benchlab with args plus -truth and -targets in a temp
// directory and returns the truth once it appears, the targets file's path,
// and a function that stops the lab and reports how it ended.
func startLab(t *testing.T, args ...string) (labtruth.Truth, string, func() error) {
	t.Helper()
	dir := t.TempDir()
	truthPath, targetsPath := filepath.Join(dir, "truth.json"), filepath.Join(dir, "targets.txt")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append(args, "-truth", truthPath, "-targets", targetsPath), io.Discard, io.Discard)
	}()
	stop := func() error { cancel(); return <-done }
	deadline := time.Now().Add(3 * time.Minute) // 247 devices, each with its own certificates, on a busy machine
	for {
		if _, err := os.Stat(truthPath); err == nil {
			tr, err := labtruth.ReadFile(truthPath)
			if err != nil {
				t.Fatalf("truth: %v", err)
			}
			return tr, targetsPath, stop
		}
		select {
		case err := <-done:
			t.Fatalf("benchlab stopped before writing the truth: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatal("no truth file after 3 minutes")
		}
	}
}

// checkAccepts dials every port the truth lists for d.
func checkAccepts(t *testing.T, d labtruth.Device) {
	t.Helper()
	for _, p := range d.TCPPorts {
		c, err := net.DialTimeout("tcp", net.JoinHostPort(d.Address, strconv.Itoa(p)), 2*time.Second)
		if err != nil {
			t.Errorf("truth lists %s:%d but it does not accept: %v", d.Address, p, err)
			continue
		}
		c.Close()
	}
}

// One profile: the discovery benchmark's fleet.
func TestOneProfile(t *testing.T) {
	tr, _, stop := startLab(t, "-subnet", "127.89.7.0/24", "-devices", "2", "-profiles", lab.ProfileFactory, "-port-offset", "23000")
	if len(tr.Devices) != 2 || tr.Devices[0].Address != "127.89.7.10" || len(tr.Devices[1].TCPPorts) != 8 {
		t.Fatalf("truth = %+v, want 2 devices from .10 with 8 ports each", tr)
	}
	for _, d := range tr.Devices {
		if d.Profile != lab.ProfileFactory {
			t.Errorf("%s profile %q", d.Address, d.Profile)
		}
		checkAccepts(t, d)
	}
	if err := stop(); err != nil {
		t.Errorf("run after cancel: %v", err)
	}
}

// The default cycle: the collection benchmark's fleet.
func TestProfilesCycle(t *testing.T) {
	tr, targetsPath, stop := startLab(t, "-subnet", "127.91.5.0/24", "-devices", "12", "-port-offset", "24000")
	names := lab.ProfileNames()
	if len(tr.Devices) != 12 {
		t.Fatalf("truth has %d devices, want 12", len(tr.Devices))
	}
	for i, d := range tr.Devices {
		if want := names[i%len(names)]; d.Profile != want {
			t.Errorf("device %d profile %q, want %q", i, d.Profile, want)
		}
		checkAccepts(t, d)
	}
	b, err := os.ReadFile(targetsPath)
	if err != nil {
		t.Fatalf("read targets: %v", err)
	}
	if lines := strings.Fields(string(b)); len(lines) != 12 || lines[0] != "127.91.5.10" || lines[11] != tr.Devices[11].Address {
		t.Errorf("targets file = %q, want the 12 addresses from 127.91.5.10", lines)
	}
	if err := stop(); err != nil {
		t.Errorf("run after cancel: %v", err)
	}
}

// The collection benchmark puts 256 devices in a /23: from .10 they cross
// into the second /24.
func TestFleetCrossesSlash24(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 247 devices")
	}
	tr, _, stop := startLab(t, "-subnet", "127.91.6.0/23", "-devices", "247", "-port-offset", "25000")
	if len(tr.Devices) != 247 || tr.Devices[0].Address != "127.91.6.10" || tr.Devices[246].Address != "127.91.7.0" {
		t.Fatalf("%d devices, want 247 at 127.91.6.10-127.91.7.0", len(tr.Devices))
	}
	checkAccepts(t, tr.Devices[246])
	if err := stop(); err != nil {
		t.Errorf("run after cancel: %v", err)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-devices", "2"},                              // no -truth
		{"-truth", "x", "-devices", "0"},               // nothing to run
		{"-truth", "x", "-subnet", "10.0.0.0/24"},      // lab refuses non-loopback
		{"-truth", "x", "-profiles", "no-such-device"}, // unknown profile
	} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("run(%q): no error", args)
		}
	}
}
