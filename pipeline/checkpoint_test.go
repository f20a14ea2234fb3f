package pipeline

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/usage"
	"github.com/mfpscan/mfpscan/reports"
)

var checkpointClock = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

func checkpointConfig(dir string) Config {
	return Config{Targets: []string{"127.0.0.0/30"}, Engine: "native", Ports: []int{80}, OutDir: dir}
}

// journalWith starts a journal in a fresh directory and records one
// finished device.
func journalWith(t *testing.T, cfg Config, addr string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(cfg.OutDir, "facts"), 0o755); err != nil {
		t.Fatal(err)
	}
	cp, err := startCheckpoint(cfg, checkpointClock)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.j.close()
	doc := &facts.Device{SchemaVersion: facts.SchemaVersion, Address: addr, Family: "ipv4", IPClass: "loopback",
		Identity: facts.Identity{DeviceID: "address:" + addr}, Ports: []facts.Port{}, Collectors: map[string]facts.CollectorStatus{}}
	if err := cp.j.record(doc); err != nil {
		t.Fatal(err)
	}
}

func TestResumeLoadsFinishedDevices(t *testing.T) {
	cfg := checkpointConfig(t.TempDir())
	journalWith(t, cfg, "127.0.0.2")
	cfg.Resume = true
	cp, err := startCheckpoint(cfg, checkpointClock.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	cp.j.close()
	if len(cp.skip) != 1 || cp.skip[0].String() != "127.0.0.2" || !cp.startedAt.Equal(checkpointClock) {
		t.Fatalf("resume state: skip %v, started %s; want 127.0.0.2 from the journal's start", cp.skip, cp.startedAt)
	}
	docs, err := cp.j.readFinished(cp.j.finishedAddrs())
	if err != nil || len(docs) != 1 || docs[0].Address != "127.0.0.2" {
		t.Fatalf("finished devices read back: %v, %v; want 127.0.0.2", docs, err)
	}
	other := cfg
	other.Ports = []int{443}
	if _, err := startCheckpoint(other, checkpointClock); !usage.Is(err) || !strings.Contains(err.Error(), "other targets or options") {
		t.Errorf("resume with other ports: %v, want a usage error", err)
	}
}

// A broken journal or facts file stops the resume with an error naming
// the problem, and nothing in the directory changes.
func TestBrokenCheckpointIsRefusedUntouched(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T, dir string)
		want  string
	}{
		{"torn last line", func(t *testing.T, dir string) {
			appendTo(t, filepath.Join(dir, JournalName), `{"device":"127.0.0.3","fa`)
		}, "truncated"},
		{"garbage line", func(t *testing.T, dir string) { appendTo(t, filepath.Join(dir, JournalName), "not json\n") }, "line 3"},
		{"empty journal", func(t *testing.T, dir string) { writeFile(t, filepath.Join(dir, JournalName), "") }, "empty"},
		{"edited facts", func(t *testing.T, dir string) {
			path := filepath.Join(dir, reports.FactsFileName("127.0.0.2"))
			raw, _ := os.ReadFile(path)
			writeFile(t, path, strings.Replace(string(raw), `"address:127.0.0.2"`, `"address:127.0.0.9"`, 1))
		}, "SHA-256"},
		{"missing facts", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, reports.FactsFileName("127.0.0.2"))) }, "127.0.0.2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := checkpointConfig(t.TempDir())
			journalWith(t, cfg, "127.0.0.2")
			tc.spoil(t, cfg.OutDir)
			before := snapshot(t, cfg.OutDir)
			cfg.Resume = true
			_, err := startCheckpoint(cfg, checkpointClock)
			if !usage.Is(err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("resume: %v, want a usage error saying %q", err, tc.want)
			}
			cfg.Resume = false
			if _, err := startCheckpoint(cfg, checkpointClock); !usage.Is(err) {
				t.Fatalf("new scan over it without --force: %v, want a usage error", err)
			}
			if after := snapshot(t, cfg.OutDir); after != before {
				t.Errorf("the refused run changed the directory:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// A new scan into a directory of an earlier run: a completed run's files
// are replaced, an interrupted run or facts no journal names are refused
// without --force, and removed with it; stale temporary files go.
func TestNewScanOverEarlierRun(t *testing.T) {
	cfg := checkpointConfig(t.TempDir())
	journalWith(t, cfg, "127.0.0.2")
	old := filepath.Join(cfg.OutDir, reports.FactsFileName("127.0.0.2"))
	if _, err := startCheckpoint(cfg, checkpointClock); !usage.Is(err) || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("new scan over an interrupted run: %v, want a usage error pointing to --resume", err)
	}
	j, err := readJournal(cfg.OutDir)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.open(); err != nil {
		t.Fatal(err)
	}
	if err := j.finish(checkpointClock, []string{filepath.Join(cfg.OutDir, "findings.json")}); err != nil {
		t.Fatal(err)
	}
	j.close()
	writeFile(t, filepath.Join(cfg.OutDir, "findings.json"), "{}")
	temp := filepath.Join(cfg.OutDir, ".results.sarif.tmp-123")
	writeFile(t, temp, "partial")
	cp, err := startCheckpoint(cfg, checkpointClock)
	if err != nil {
		t.Fatalf("new scan over a completed run: %v", err)
	}
	cp.j.close()
	for _, p := range []string{old, filepath.Join(cfg.OutDir, "findings.json"), temp} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s of the previous run is still there (%v)", p, err)
		}
	}

	stray := filepath.Join(cfg.OutDir, "facts", "10.0.0.1.json")
	writeFile(t, stray, "{}")
	os.Remove(filepath.Join(cfg.OutDir, JournalName))
	if _, err := startCheckpoint(cfg, checkpointClock); !usage.Is(err) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("new scan over unjournalled facts: %v, want a usage error naming --force", err)
	}
	if _, err := os.Stat(stray); err != nil {
		t.Fatalf("refused scan removed %s: %v", stray, err)
	}
	cfg.Force = true
	cp, err = startCheckpoint(cfg, checkpointClock)
	if err != nil {
		t.Fatal(err)
	}
	cp.j.close()
	if _, err := os.Stat(stray); !os.IsNotExist(err) {
		t.Errorf("--force left %s (%v)", stray, err)
	}
}

func appendTo(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// snapshot is every file under dir with its content, as one string.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b bytes.Buffer
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(path)
		b.WriteString(path + "=" + string(raw) + ";")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// A run streamed to standard output has no directory to journal in: it
// starts without a journal (nothing is created in a directory named "-"),
// and --resume of it is a usage error.
func TestCheckpointStdout(t *testing.T) {
	t.Chdir(t.TempDir())
	cp, err := startCheckpoint(Config{OutDir: StdoutOut}, checkpointClock)
	if err != nil || cp.j != nil {
		t.Fatalf("startCheckpoint(--out -) = %+v, %v; want no journal, no error", cp, err)
	}
	if _, err := os.Stat(StdoutOut); !os.IsNotExist(err) {
		t.Errorf("a %q directory was created: %v", StdoutOut, err)
	}
	if _, err := startCheckpoint(Config{OutDir: StdoutOut, Resume: true}, checkpointClock); !usage.Is(err) {
		t.Errorf("--resume with --out - = %v, want a usage error", err)
	}
}
