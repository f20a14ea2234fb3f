package cliconfig

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mfpscan/mfpscan/internal/usage"
)

func TestConfigFileLocations(t *testing.T) {
	e := newEnv(t)
	write(t, e.system, "rate: 1\n")
	named := write(t, filepath.Join(t.TempDir(), "named.yaml"), "rate: 2\n")

	if tr, _, err := e.run(t, "discover"); err != nil || tr.drate != 1 {
		t.Errorf("default system file: rate %v, %v", tr.drate, err)
	}
	e.vars = []string{EnvConfig + "=" + named}
	if tr, _, err := e.run(t, "discover"); err != nil || tr.drate != 2 {
		t.Errorf("%s: rate %v, %v; want only the named file", EnvConfig, tr.drate, err)
	}
	// Set and empty: no file at all, not even the defaults.
	e.vars = []string{EnvConfig + "="}
	if tr, _, err := e.run(t, "discover"); err != nil || tr.drate != 5000 {
		t.Errorf("%s empty: rate %v, %v; want the default", EnvConfig, tr.drate, err)
	}
	// A named file must exist; a default location need not.
	e.vars = nil
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	if _, _, err := e.run(t, "discover", "--config", missing); err == nil || !usage.Is(err) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("--config missing file: %v, want a usage error", err)
	}
	e.system = missing
	if tr, _, err := e.run(t, "discover"); err != nil || tr.drate != 5000 {
		t.Errorf("no default files: rate %v, %v", tr.drate, err)
	}
}

func TestConfigFileIsAnInputFile(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	big := write(t, filepath.Join(dir, "big.yaml"), "# "+strings.Repeat("x", MaxFileSize)+"\n")
	for _, p := range []string{fifo, big, dir} {
		done := make(chan error, 1)
		go func() { _, _, err := e.run(t, "scan", "--config", p); done <- err }()
		select {
		case err := <-done:
			if err == nil || !usage.Is(err) || !strings.Contains(err.Error(), p) {
				t.Errorf("--config %s: %v, want a usage error naming it", p, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("--config %s blocked", p)
		}
	}
}

func TestSecretFromFileIsRedacted(t *testing.T) {
	e := newEnv(t)
	secret := write(t, filepath.Join(t.TempDir(), "url"), "postgres://mfp:s3cret@db.internal/mfp?sslmode=require\n")
	e.vars = []string{"MFPSCAN_HISTORY_STORE_FILE=" + secret}
	tr, s, err := e.run(t, "scan")
	if err != nil {
		t.Fatal(err)
	}
	if tr.store != "postgres://mfp:s3cret@db.internal/mfp?sslmode=require" {
		t.Errorf("store = %q, want the file's content without its newline", tr.store)
	}
	st := s["history"]
	if st.Key != "history-store-file" || st.Origin != "env MFPSCAN_HISTORY_STORE_FILE" || strings.Contains(st.Value(), "s3cret") {
		t.Errorf("setting %s from %s shows %q: want the -file key, the variable, and no password", st.Key, st.Origin, st.Value())
	}
	if got := Redact("postgres://db/mfp?user=a&password=s3cret"); strings.Contains(got, "s3cret") {
		t.Errorf("Redact kept a password query parameter: %s", got)
	}
	if got := Redact("/var/lib/mfpscan/history.db"); got != "/var/lib/mfpscan/history.db" {
		t.Errorf("Redact changed a path: %s", got)
	}
}

// FuzzConfigFile feeds any bytes as the config file: loading, checking and
// applying never panic, and every refusal is a usage error (exit 2).
func FuzzConfigFile(f *testing.F) {
	for _, seed := range []string{
		"rate: 10\nscan:\n  rate: 20\n  ports: [1, 2]\n",
		"history:\n  runs:\n    limit: 3\n",
		"history-store-file: /dev/null\n",
		"scan: [1]\n", "rate: !!binary aGk=\n", "a: &x [*x]\n", "~\n", "{}", "- 1\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		e := newEnv(t)
		write(t, e.system, string(body))
		_, _, err := e.run(t, "scan")
		if err != nil && !usage.Is(err) {
			t.Fatalf("not a usage error: %v", err)
		}
	})
}
