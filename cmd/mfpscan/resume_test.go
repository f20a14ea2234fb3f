package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/lab"
	"github.com/mfpscan/mfpscan/lab/labtest"
	"github.com/mfpscan/mfpscan/pipeline"
)

// TestResumeAfterSIGTERM interrupts a scan of the lab fleet with a real
// SIGTERM once every ordinary device is journalled, while a tarpit device
// still holds its collectors, and resumes it. The resume must not connect
// to any finished device again, must probe the unfinished one, and its
// findings must equal those of an uninterrupted scan of the same fleet.
// On the way, a resume with other options and a new scan over the
// interrupted run are refused with exit 2.
func TestResumeAfterSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the lab fleet three times")
	}
	fleet, lc := labtest.Start(t, append(lab.ProfileNames(), lab.ProfileHostileTarpit)...)
	var ordinary []lab.Device
	tarpit := ""
	for _, d := range fleet.Devices() {
		if d.Profile == lab.ProfileHostileTarpit {
			tarpit = d.Name
		} else {
			ordinary = append(ordinary, d)
		}
	}
	// The tarpit answers nothing, so its collection lasts until the host
	// deadline: long after the ordinary devices finished.
	var ports []string
	for _, p := range collectors.DefaultRoles().Shift(lc.PortOffset).Ports() {
		ports = append(ports, strconv.Itoa(p))
	}
	args := []string{"scan", lc.Subnet.String(), "--lab-port-offset", strconv.Itoa(lc.PortOffset), "--ports", strings.Join(ports, ","),
		"--timeout", "2s", "--host-timeout", "25s", "--format", "sarif,json", "--quiet", "--no-history"}
	dir := t.TempDir()
	whole, cut := filepath.Join(dir, "whole"), filepath.Join(dir, "cut")

	if code, _, msg := runCLI(t, append(args, "--out", whole)...); code != 0 {
		t.Fatalf("uninterrupted scan: exit %d: %s", code, msg)
	}

	cmd, started, log := startCLI(t, append(args, "--out", cut)...)
	awaitSweep(t, cmd, started, log)
	journal := filepath.Join(cut, pipeline.JournalName)
	deadline := time.Now().Add(60 * time.Second)
	for journalled(t, journal) < len(ordinary) {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			raw, _ := os.ReadFile(journal)
			t.Fatalf("the %d ordinary devices %v were never all journalled; journal:\n%s\nlog:\n%s", len(ordinary), ordinary, raw, log)
		}
		time.Sleep(20 * time.Millisecond) // polling a file, not waiting for a server
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := waitExit(t, cmd, 20*time.Second); code != exitInterrupted {
		t.Fatalf("exit %d after SIGTERM, want %d; log:\n%s", code, exitInterrupted, log)
	}
	if n := journalled(t, journal); n != len(ordinary) {
		t.Fatalf("journal lists %d finished devices after the interrupt, want the %d ordinary ones (the tarpit was cut short)", n, len(ordinary))
	}

	code, _, msg := runCLI(t, append(args, "--out", cut)...)
	if code != 2 || !strings.Contains(msg, "--resume") {
		t.Errorf("new scan over an interrupted run: exit %d, %q; want 2 pointing to --resume", code, msg)
	}
	code, _, msg = runCLI(t, append(args, "--ports", "80", "--resume", cut)...)
	if code != 2 || !strings.Contains(msg, "other targets or options") {
		t.Errorf("resume with other ports: exit %d, %q; want 2", code, msg)
	}

	before := map[string]int64{}
	for _, d := range ordinary {
		before[d.Name] = fleet.Connections(d.Addr)
	}
	tarpitBefore, _ := fleet.HostileStats(tarpit)
	if code, _, msg := runCLI(t, append(args, "--resume", cut)...); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, msg)
	}
	for _, d := range ordinary {
		if n := fleet.Connections(d.Addr) - before[d.Name]; n != 0 {
			t.Errorf("resume made %d connection(s) to %s (%s), finished before the interrupt", n, d.Name, d.Addr)
		}
	}
	if after, _ := fleet.HostileStats(tarpit); after.Connections == tarpitBefore.Connections {
		t.Error("resume never connected to the tarpit, the device the interrupt cut short")
	}
	if want, got := findingsOf(t, whole), findingsOf(t, cut); !reflect.DeepEqual(want, got) {
		t.Errorf("resumed findings differ from the uninterrupted run's:\n got %v\nwant %v", got, want)
	}
	code, _, msg = runCLI(t, append(args, "--resume", cut)...)
	if code != 2 || !strings.Contains(msg, "nothing to resume") {
		t.Errorf("resume of a completed scan: exit %d, %q; want 2", code, msg)
	}
}

// journalled counts the finished-device lines of a scan journal.
func journalled(t *testing.T, path string) int {
	t.Helper()
	raw, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(raw), `"device":`)
}

// findingsOf reads findings.json's results without their run-specific
// parts, sorted as written, plus the devices' addresses.
func findingsOf(t *testing.T, dir string) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "findings.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Results []struct {
			RuleID   string `json:"rule_id"`
			Address  string `json:"address"`
			Status   string `json:"status"`
			Severity string `json:"severity"`
		} `json:"results"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Results) == 0 {
		t.Fatalf("%s: no results", dir)
	}
	out := make([]string, 0, len(f.Results))
	for _, r := range f.Results {
		out = append(out, strings.Join([]string{r.Address, r.RuleID, r.Status, r.Severity}, " "))
	}
	return out
}
