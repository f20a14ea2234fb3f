package outlock

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/internal/usage"
)

var fixedNow = time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)

// holderEnv makes the test binary act as another mfpscan holding a lock:
// it locks the directory named by the variable, says so, and holds the lock
// until its standard input closes or it is killed.
const holderEnv = "OUTLOCK_TEST_HOLD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(holderEnv); dir != "" {
		l, err := Acquire(dir, "scan", fixedNow)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("locked")
		_, _ = io.Copy(io.Discard, os.Stdin)
		l.Release()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startHolder runs a second process holding dir's lock and waits until it
// holds it.
func startHolder(t *testing.T, dir string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), holderEnv+"="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("holder process: %q, %v", line, err)
	}
	return cmd, stdin
}

func TestAnotherProcessHoldsTheDirectory(t *testing.T) {
	dir := t.TempDir()
	holder, _ := startHolder(t, dir)

	_, err := Acquire(dir, "eval", fixedNow)
	if !errors.Is(err, ErrBusy) || !usage.Is(err) {
		t.Fatalf("second run on a held directory: %v; want a usage error wrapping ErrBusy", err)
	}
	want := fmt.Sprintf("another mfpscan (pid %d, scan since 2026-03-01T02:00:00Z)", holder.Process.Pid)
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), dir) {
		t.Errorf("busy message %q does not name the directory and %q", err, want)
	}

	// A killed holder (a run stopped with SIGKILL, or that crashed) leaves
	// the file behind but not the lock.
	if err := holder.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = holder.Wait()
	l, err := Acquire(dir, "eval", fixedNow)
	if err != nil {
		t.Fatalf("after the holder died: %v", err)
	}
	l.Release()
}

func TestReleaseLetsTheNextRunIn(t *testing.T) {
	dir := t.TempDir()
	first, err := Acquire(dir, "scan", fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	// Two acquisitions in one process conflict too: each opens the file
	// anew, and flock locks belong to the open file.
	if _, err := Acquire(dir, "eval", fixedNow); !errors.Is(err, ErrBusy) {
		t.Fatalf("second Acquire while held: %v, want ErrBusy", err)
	}
	first.Release()
	first.Release() // harmless twice
	second, err := Acquire(dir, "eval", fixedNow)
	if err != nil {
		t.Fatalf("after Release: %v", err)
	}
	defer second.Release()
	text, err := os.ReadFile(filepath.Join(dir, Name))
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("pid %d\nrun eval\nsince 2026-03-01T02:00:00Z\n", os.Getpid())
	if string(text) != want {
		t.Errorf("lock file holds %q, want %q (the earlier holder's text replaced)", text, want)
	}
}

func TestReadHolder(t *testing.T) {
	tests := []struct{ text, want string }{
		{"pid 42\nrun scan\nsince 2026-03-01T02:00:00Z\n", "another mfpscan (pid 42, scan since 2026-03-01T02:00:00Z)"},
		{"pid 42\n", "another mfpscan (pid 42)"},
		{"pid 42\nrun sc", "another mfpscan (pid 42)"}, // a holder still writing
		{"", "another mfpscan process"},
		{"garbage without fields", "another mfpscan process"},
		// A hostile or corrupt file cannot put control characters in the
		// message, nor make it long.
		{"pid 42\x1b[2J\nrun scan\n", "another mfpscan process"},
		{"pid 7\nrun " + strings.Repeat("x", 1000), "another mfpscan (pid 7)"},
	}
	for _, tc := range tests {
		f, err := os.CreateTemp(t.TempDir(), "lock")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteString(tc.text); err != nil {
			t.Fatal(err)
		}
		if got := readHolder(f); got != tc.want {
			t.Errorf("readHolder(%q) = %q, want %q", tc.text, got, tc.want)
		}
		f.Close()
	}
}

func TestAcquireNeedsADirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "report.txt")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{file, filepath.Join(filepath.Dir(file), "missing")} {
		if _, err := Acquire(dir, "scan", fixedNow); err == nil || !usage.Is(err) {
			t.Errorf("Acquire(%s): %v, want a usage error", dir, err)
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(file), "missing")); err == nil {
		t.Error("Acquire created the missing directory")
	}
}
