package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/internal/testnet"
	"github.com/mfpscan/mfpscan/lab"
	"github.com/mfpscan/mfpscan/reports"
)

// tarpit listens on a loopback address of its own and never answers. It
// calls onData the first time a peer writes a byte: discovery only connects,
// so that byte is the first collector request, i.e. the sweep has handed the
// host over and collection is under way.
func tarpit(t *testing.T, onData func()) (netip.Addr, int) {
	t.Helper()
	ap, err := testnet.Tarpit(t, "0", onData)
	if err != nil {
		t.Fatal(err)
	}
	return ap.Addr(), int(ap.Port())
}

// TestInterruptAfterSweepIsIncomplete cancels the run after discovery, while
// the HTTP collector waits on a device that never answers. Such a run was
// reported as a complete success (no error, SARIF executionSuccessful true);
// it must be interrupted, incomplete, and the device marked unfinished.
func TestInterruptAfterSweepIsIncomplete(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, port := tarpit(t, cancel)
	out := t.TempDir()
	roles := collectors.Roles{TCP: map[int]string{port: collectors.RoleHTTP}, SNMPPort: 161}
	cfg := labScanConfig(t, lab.Config{}, out)
	cfg.Targets = []string{addr.String()}
	cfg.Ports, cfg.Roles = []int{port}, roles
	cfg.Timeout, cfg.HostDeadline = 20*time.Second, 60*time.Second
	cfg.Collect = collectors.Options{Timeout: 20 * time.Second}

	start := time.Now()
	err := Scan(ctx, cfg)
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("Scan after an interrupt during collection = %v, want ErrInterrupted", err)
	}
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("interrupted scan took %s: collection did not stop on the signal", took)
	}
	var f reports.Findings
	readJSON(t, filepath.Join(out, "findings.json"), &f)
	if !f.Scan.Incomplete {
		t.Error("findings.json: scan not marked incomplete")
	}
	var sarif struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful bool `json:"executionSuccessful"`
				ExitCode            int  `json:"exitCode"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	readJSON(t, filepath.Join(out, "results.sarif"), &sarif)
	if len(sarif.Runs) != 1 || len(sarif.Runs[0].Invocations) != 1 {
		t.Fatalf("SARIF: want one run with one invocation, got %+v", sarif)
	}
	if inv := sarif.Runs[0].Invocations[0]; inv.ExecutionSuccessful || inv.ExitCode != ExitInterrupted {
		t.Errorf("SARIF invocation = %+v, want executionSuccessful false, exitCode %d", inv, ExitInterrupted)
	}
	var doc struct {
		Address    string `json:"address"`
		Incomplete bool   `json:"incomplete"`
	}
	readJSON(t, filepath.Join(out, reports.FactsFileName(addr.String())), &doc)
	if doc.Address != addr.String() || !doc.Incomplete {
		t.Errorf("facts of the device cut short = %+v, want incomplete: true", doc)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
