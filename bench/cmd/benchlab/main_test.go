package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// The truth file must list exactly the listeners that accept connections,
// and appear only once they do.
func TestRunWritesTruthOfListeningPorts(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "truth.json")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-subnet", "127.89.7.0/24", "-devices", "2", "-port-offset", "23000", "-truth", path}, io.Discard)
	}()

	var tr truth
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, err := os.ReadFile(path)
		if err == nil {
			if err := json.Unmarshal(b, &tr); err != nil {
				t.Fatalf("truth is not JSON: %v", err)
			}
			break
		}
		select {
		case err := <-done:
			t.Fatalf("benchlab stopped before writing the truth: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("no truth file after 20s")
		}
	}
	if len(tr.Live) != 2 || tr.Live[0] != "127.89.7.10" || len(tr.OpenPorts) != 16 {
		t.Fatalf("truth = %+v, want 2 devices from .10 with 8 ports each", tr)
	}
	for _, p := range tr.OpenPorts {
		c, err := net.DialTimeout("tcp", net.JoinHostPort(p.Address, strconv.Itoa(p.Port)), 2*time.Second)
		if err != nil {
			t.Errorf("truth lists %s:%d but it does not accept: %v", p.Address, p.Port, err)
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
		{},                               // no -truth
		{"-truth", "x", "-devices", "0"}, // nothing to run
		{"-truth", "x", "-subnet", "10.0.0.0/24"}, // lab refuses non-loopback
	} {
		if err := run(context.Background(), args, io.Discard); err == nil {
			t.Errorf("run(%q): no error", args)
		}
	}
}
