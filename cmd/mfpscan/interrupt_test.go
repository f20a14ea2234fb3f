package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/internal/testnet"
)

// TestSIGTERMDuringCollectionIsIncomplete sends a real SIGTERM to mfpscan
// after discovery, while the HTTP collector waits on a device that accepts
// and never answers (a systemd or CronJob stop). The run must exit 4 with
// SARIF executionSuccessful false and the device marked incomplete; it used
// to exit 0 and call the cut-short scan a success.
func TestSIGTERMDuringCollectionIsIncomplete(t *testing.T) {
	// 8080 is an HTTP port of the default port table, so the collector
	// visits it; a loopback address of its own keeps it free.
	firstByte := make(chan struct{})
	ap, err := testnet.Tarpit(t, "8080", func() { close(firstByte) })
	if err != nil {
		t.Skipf("no free loopback address for port 8080: %v", err)
	}
	addr := ap.Addr().String()

	out := filepath.Join(t.TempDir(), "report")
	cmd, started, log := startCLI(t, "scan", addr, "--ports", "8080", "--timeout", "20s", "--host-timeout", "60s", "--out", out, "--quiet")
	awaitSweep(t, cmd, started, log)
	await(t, cmd, firstByte, 30*time.Second, "the HTTP collector's request to the device", log)
	terminate(t, cmd, 15*time.Second, log)
	raw, err := os.ReadFile(filepath.Join(out, "results.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	var sarif struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful bool `json:"executionSuccessful"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(raw, &sarif); err != nil || len(sarif.Runs) != 1 || len(sarif.Runs[0].Invocations) != 1 {
		t.Fatalf("results.sarif: %v %+v", err, sarif)
	}
	if sarif.Runs[0].Invocations[0].ExecutionSuccessful {
		t.Error("results.sarif says executionSuccessful: true for an interrupted run")
	}
	files, _ := filepath.Glob(filepath.Join(out, "facts", "*.json"))
	if len(files) != 1 {
		t.Fatalf("facts files %v, want one", files)
	}
	raw, err = os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Incomplete bool `json:"incomplete"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || !doc.Incomplete {
		t.Errorf("%s: device cut short not marked incomplete (err %v)", files[0], err)
	}
}
