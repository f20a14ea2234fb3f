package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestNonFiniteNumbersRefused walks every command's flag set and gives each
// floating-point flag NaN and ±Inf: each must be exit 2 naming the flag,
// with nothing sent. `--rate NaN` used to turn the global rate limit off.
func TestNonFiniteNumbersRefused(t *testing.T) {
	port, accepted := countingListener(t)
	out := filepath.Join(t.TempDir(), "out")
	var walk func(c *cobra.Command, path []string)
	tried := 0
	walk = func(c *cobra.Command, path []string) {
		for _, sub := range c.Commands() {
			walk(sub, append(append([]string(nil), path...), sub.Name()))
		}
		if !c.Runnable() {
			return
		}
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if !strings.HasPrefix(f.Value.Type(), "float") {
				return
			}
			for _, v := range []string{"NaN", "Inf", "+Inf", "-Inf", "infinity"} {
				args := append(append([]string(nil), path...), "127.0.0.1", "--"+f.Name+"="+v)
				for name, val := range map[string]string{"ports": port, "out": out} {
					if c.Flags().Lookup(name) != nil {
						args = append(args, "--"+name, val)
					}
				}
				code, _, msg := runCLI(t, args...)
				tried++
				if code != exitUsage || !strings.Contains(msg, "--"+f.Name) {
					t.Errorf("mfpscan %s: exit %d (%q), want %d naming --%s", strings.Join(args, " "), code, msg, exitUsage, f.Name)
				}
			}
		})
	}
	walk(newRootCommand(), nil)
	if tried == 0 {
		t.Fatal("no floating-point flag found: the walk checked nothing")
	}
	if n := accepted.Load(); n != 0 {
		t.Errorf("%d connection(s) made with a non-finite flag", n)
	}
}

// TestBrokenInputsStopBeforeTheFirstPacket gives scan inputs that are read
// only later in the run (a baseline is applied when SARIF is written) or
// that cannot be read at all without blocking (a FIFO, /dev/zero): each is
// exit 2 and no connection.
func TestBrokenInputsStopBeforeTheFirstPacket(t *testing.T) {
	dir := t.TempDir()
	port, accepted := countingListener(t)
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	notJSON := writeFile(t, dir, "bad.sarif", "this is not SARIF\n")
	notSARIF := writeFile(t, dir, "other.sarif", `{"hello": "world"}`)
	noRuns := writeFile(t, dir, "empty.sarif", `{"version": "2.1.0", "runs": []}`)
	wrongVersion := writeFile(t, dir, "old.sarif", `{"version": "1.0.0", "runs": [{}]}`)
	base := []string{"scan", "127.0.0.1", "--ports", port, "--out", filepath.Join(dir, "out")}
	type inputCase struct {
		name string
		args []string
	}
	cases := []inputCase{
		{"baseline not JSON", []string{"--baseline", notJSON}},
		{"baseline not SARIF", []string{"--baseline", notSARIF}},
		{"baseline without runs", []string{"--baseline", noRuns}},
		{"baseline SARIF 1.0", []string{"--baseline", wrongVersion}},
		{"baseline FIFO", []string{"--baseline", fifo}},
		{"baseline directory", []string{"--baseline", dir}},
		{"waivers FIFO", []string{"--waivers", fifo}},
		{"data FIFO", []string{"--data", fifo}},
		{"attestations FIFO", []string{"--attestations", fifo}},
		{"communities FIFO", []string{"--snmp-communities", fifo}},
		{"exclude file FIFO", []string{"--exclude-file", fifo}},
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		for _, flag := range []string{"--baseline", "--attestations", "--snmp-communities", "--waivers"} {
			cases = append(cases, inputCase{strings.TrimPrefix(flag, "--") + " /dev/zero", []string{flag, "/dev/zero"}})
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			done := make(chan struct{})
			var code int
			var msg string
			go func() {
				defer close(done)
				code, _, msg = runCLI(t, append(append([]string(nil), base...), c.args...)...)
			}()
			select {
			case <-done:
			case <-timeAfter():
				t.Fatalf("scan blocked on the input")
			}
			if code != exitUsage || !strings.Contains(msg, c.args[1]) {
				t.Errorf("exit %d (%q), want %d naming %s", code, msg, exitUsage, c.args[1])
			}
		})
	}
	if n := accepted.Load(); n != 0 {
		t.Errorf("%d connection(s) made before a broken input was refused", n)
	}
}

func timeAfter() <-chan time.Time { return time.After(20 * time.Second) }
