package main

import (
	"strings"
	"testing"
)

// A pod given its index but not the shard count, or a shard out of range,
// must stop with a usage error before any probe: every pod sweeping the whole
// range would probe each address N times.
func TestShardMistakesAreUsageErrors(t *testing.T) {
	port, accepted := countingListener(t)
	t.Run("index without count", func(t *testing.T) {
		t.Setenv("JOB_COMPLETION_INDEX", "1")
		t.Setenv("MFPSCAN_SHARDS", "")
		code, _, stderr := runCLI(t, "discover", "127.0.0.1", "--ports", port)
		if code != 2 || !strings.Contains(stderr, "MFPSCAN_SHARDS") {
			t.Fatalf("exit %d, stderr %q; want 2 naming MFPSCAN_SHARDS", code, stderr)
		}
	})
	for _, spec := range []string{"4/4", "1/0", "x"} {
		code, _, stderr := runCLI(t, "discover", "127.0.0.1", "--ports", port, "--shard", spec)
		if code != 2 || !strings.Contains(stderr, "shard") {
			t.Fatalf("--shard %s: exit %d, stderr %q; want 2", spec, code, stderr)
		}
	}
	if n := accepted.Load(); n != 0 {
		t.Fatalf("%d connections before the shard was validated", n)
	}
}

// --shard 0/1 is the whole set: the one listener is found.
func TestShardOfOneSweepsEverything(t *testing.T) {
	port, accepted := countingListener(t)
	t.Setenv("JOB_COMPLETION_INDEX", "")
	t.Setenv("MFPSCAN_SHARDS", "")
	code, stdout, stderr := runCLI(t, "discover", "127.0.0.1", "--ports", port, "--shard", "0/1")
	if code != 0 || !strings.Contains(stdout, port) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if accepted.Load() == 0 {
		t.Fatal("the listener was never probed")
	}
}

// Of two shards of one address, exactly one sweeps it.
func TestTwoShardsOfOneAddress(t *testing.T) {
	port, _ := countingListener(t)
	t.Setenv("JOB_COMPLETION_INDEX", "")
	t.Setenv("MFPSCAN_SHARDS", "")
	found := 0
	for _, spec := range []string{"0/2", "1/2"} {
		code, stdout, stderr := runCLI(t, "discover", "127.0.0.1", "--ports", port, "--shard", spec, "--shard-seed", "7")
		if code != 0 {
			t.Fatalf("--shard %s: exit %d, %s", spec, code, stderr)
		}
		if strings.Contains(stdout, port) {
			found++
		}
	}
	if found != 1 {
		t.Fatalf("the address was swept by %d of 2 shards, want 1", found)
	}
}
