package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfile"
	"github.com/mfpscan/mfpscan/internal/testpeer"
)

// TestFullDiskIsAClearError evaluates saved facts (no network) into a tiny
// tmpfs that fills up: the run must fail with an error that says the disk
// is full, and leave no temporary files behind. The tmpfs lives in a private
// mount namespace, so the test re-runs itself under `unshare -m` (root).
func TestFullDiskIsAClearError(t *testing.T) {
	if os.Getenv("MFPSCAN_IN_MOUNTNS") != "1" {
		testpeer.Root(t, "a private tmpfs in a mount namespace")
		testpeer.Path(t, "unshare", "Debian package util-linux")
		cmd := exec.Command("unshare", "-m", "--propagation", "private", os.Args[0], "-test.run=^TestFullDiskIsAClearError$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "MFPSCAN_IN_MOUNTNS=1")
		out, err := cmd.CombinedOutput()
		t.Logf("inside a private mount namespace:\n%s", out)
		if err != nil || !strings.Contains(string(out), "--- PASS: TestFullDiskIsAClearError") {
			t.Fatalf("full-disk test failed in its namespace: %v", err)
		}
		return
	}

	src := t.TempDir()
	raw := testfile.Testdata(t, "reports", "facts-127.77.0.10.json")
	var doc facts.Device
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		doc.Address = fmt.Sprintf("127.77.1.%d", i+1)
		doc.Identity.DeviceID = "address:" + doc.Address
		b, _ := json.Marshal(&doc)
		if err := os.WriteFile(filepath.Join(src, doc.Address+".json"), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	full := filepath.Join(t.TempDir(), "full")
	if err := os.Mkdir(full, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", full, "tmpfs", 0, "size=48k"); err != nil {
		t.Fatalf("mount tmpfs: %v", err)
	}
	defer syscall.Unmount(full, 0)

	cfg := Config{
		OutDir:  full,
		Formats: []string{"sarif", "html", "json"},
		Site:    "fulldisk",
		Log:     slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	err := Eval(context.Background(), cfg, []string{src})
	if err == nil {
		t.Fatal("writing 60 devices' reports into a 48 KiB filesystem succeeded")
	}
	if !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("error does not say the disk is full: %v", err)
	}
	var leftovers []string
	_ = filepath.Walk(full, func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.Contains(filepath.Base(p), ".tmp") {
			leftovers = append(leftovers, p)
		}
		return nil
	})
	if len(leftovers) > 0 {
		t.Fatalf("temporary files left on the full disk: %v", leftovers)
	}
	t.Logf("error: %v", err)
}
