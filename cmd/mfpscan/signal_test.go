package main

import (
	"bufio"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/policies"
	"github.com/mfpscan/mfpscan/reports"
	"github.com/mfpscan/mfpscan/reports/reportstest"
)

// TestMain lets the test binary act as the mfpscan command, so signal tests
// run the real main (signal handling, exit codes) without a separate build.
func TestMain(m *testing.M) {
	if os.Getenv("MFPSCAN_TEST_RUN_MAIN") == "1" {
		main()
		return
	}
	os.Exit(runTests(m))
}

// startCLI runs mfpscan and returns a channel closed once it logs that the
// sweep has started, so the test signals a sweep in flight without guessing
// with sleeps.
func startCLI(t *testing.T, args ...string) (*exec.Cmd, <-chan struct{}, *syncBuffer) {
	return startMain(t, "sweep started", args...)
}

// startMain runs main in a child process with args and --log-level info,
// and returns a channel closed once a log line contains marker. The child
// reads no config file (runTests sets MFPSCAN_CONFIG empty).
func startMain(t *testing.T, marker string, args ...string) (*exec.Cmd, <-chan struct{}, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append(args, "--log-level", "info")...)
	cmd.Env = append(os.Environ(), "MFPSCAN_TEST_RUN_MAIN=1")
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	log := &syncBuffer{}
	go func() {
		sc := bufio.NewScanner(pipe)
		once := false
		for sc.Scan() {
			log.add(sc.Text())
			if !once && strings.Contains(sc.Text(), marker) {
				once = true
				close(started)
			}
		}
	}()
	return cmd, started, log
}

type syncBuffer struct {
	mu    sync.Mutex
	lines []string
}

func (b *syncBuffer) add(s string) { b.mu.Lock(); b.lines = append(b.lines, s); b.mu.Unlock() }
func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Join(b.lines, "\n")
}

func awaitSweep(t *testing.T, cmd *exec.Cmd, started <-chan struct{}, log *syncBuffer) {
	t.Helper()
	await(t, cmd, started, 30*time.Second, "sweep", log)
}

// await waits for started, killing the child and failing when it does not
// come within d.
func await(t *testing.T, cmd *exec.Cmd, started <-chan struct{}, d time.Duration, what string, log *syncBuffer) {
	t.Helper()
	select {
	case <-started:
	case <-time.After(d):
		_ = cmd.Process.Kill()
		t.Fatalf("%s never started; log:\n%s", what, log)
	}
}

// terminate is interrupt with SIGTERM, what systemd and Kubernetes send.
func terminate(t *testing.T, cmd *exec.Cmd, d time.Duration, log *syncBuffer) {
	t.Helper()
	interrupt(t, cmd, syscall.SIGTERM, d, log)
}

// interrupt sends sig and fails unless the child exits within d with the
// interrupted exit code.
func interrupt(t *testing.T, cmd *exec.Cmd, sig os.Signal, d time.Duration, log *syncBuffer) {
	t.Helper()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	if code := waitExit(t, cmd, d); code != exitInterrupted {
		t.Fatalf("exit code %d after %v, want %d (interrupted); log:\n%s", code, sig, exitInterrupted, log)
	}
}

// onlyResult returns the one result of rule id, failing unless there is
// exactly one.
func onlyResult(t *testing.T, f reports.Findings, id string) policies.Result {
	t.Helper()
	var got []policies.Result
	for _, r := range f.Results {
		if r.RuleID == id {
			got = append(got, r)
		}
	}
	if len(got) != 1 {
		t.Fatalf("%d results for %s, want 1", len(got), id)
	}
	return got[0]
}

func waitExit(t *testing.T, cmd *exec.Cmd, within time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(within):
		_ = cmd.Process.Kill()
		t.Fatalf("mfpscan did not exit within %s of the signal", within)
		return -1
	}
}

// loopbackSweep is a /16 of loopback addresses: big enough that the sweep is
// still running when the signal arrives, and nothing leaves the machine.
func loopbackSweep() string {
	return "127." + itoa(100+rand.IntN(100)) + ".0.0/16"
}

func itoa(n int) string {
	return string(rune('0'+n/100)) + string(rune('0'+n/10%10)) + string(rune('0'+n%10))
}

func TestSIGINTWritesPartialResults(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report")
	cmd, started, stderr := startCLI(t, "scan", loopbackSweep(), "--ports", "80,443", "--rate", "2000", "--out", out, "--quiet")
	awaitSweep(t, cmd, started, stderr)
	interrupt(t, cmd, syscall.SIGINT, 20*time.Second, stderr)
	if !reportstest.Findings(t, out).Scan.Incomplete {
		t.Fatal("findings.json not marked incomplete")
	}
	for _, name := range []string{"results.sarif", "report.html"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("%s missing after SIGINT: %v", name, err)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(out, ".*tmp*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func TestSecondSIGINTExitsAtOnce(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report")
	cmd, started, log := startCLI(t, "scan", loopbackSweep(), "--ports", "80", "--rate", "500", "--out", out, "--quiet")
	awaitSweep(t, cmd, started, log)
	_ = cmd.Process.Signal(syscall.SIGINT)
	_ = cmd.Process.Signal(syscall.SIGINT)
	code := waitExit(t, cmd, 5*time.Second)
	if code != 130 && code != exitInterrupted {
		t.Fatalf("exit code %d after two SIGINTs, want 130 (or 4 if the first finished first)", code)
	}
	// Quitting at once removes the temporary files of reports in progress.
	for _, d := range []string{out, filepath.Join(out, "facts")} {
		if left, _ := filepath.Glob(filepath.Join(d, ".*.tmp-*")); len(left) > 0 {
			t.Errorf("temporary files left after the second signal: %v", left)
		}
	}
}
