package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"
)

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{},                              // no -out
		{"-out", "x", "-ports", "0"},    // no such port
		{"-out", "x", "-bogus", "flag"}, // unknown flag
	} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("run(%q): no error", args)
		}
	}
}

// The timer must count only the pipeline's "collected" records and keep
// the latest arrival.
func TestCollectTimer(t *testing.T) {
	c := &collectTimer{start: time.Now().Add(-2 * time.Second)}
	log := slog.New(c)
	log.Info("sweep started")
	log.Debug("collected", "address", "127.0.0.1")
	log.With("k", "v").Debug("collected")
	hosts, last := c.result()
	if hosts != 2 || last < 2*time.Second || last > time.Minute {
		t.Errorf("result = %d hosts, last %v; want 2 hosts, about 2s", hosts, last)
	}
}
