package history

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mfpscan/mfpscan/internal/testpeer"
)

// pgCluster is one PostgreSQL server this test binary started (initdb +
// pg_ctl), listening only on a unix socket in a temp directory. Each test
// gets its own database in it.
type pgCluster struct {
	dir, socket string
	pgctl       string
	asUser      string // run the server as this user when we are root
	err         error
	dbs         atomic.Int64
}

var (
	pgOnce   sync.Once
	pgShared pgCluster
)

func pgBinDir() (string, error) {
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) == 0 {
		return "", fmt.Errorf("no /usr/lib/postgresql/*/bin/initdb")
	}
	return filepath.Dir(matches[len(matches)-1]), nil
}

// asServerUser runs a PostgreSQL program; initdb and postgres refuse to run
// as root, so a root test drops to "nobody" through runuser.
func (c *pgCluster) command(prog string, args ...string) *exec.Cmd {
	if c.asUser == "" {
		return exec.Command(prog, args...)
	}
	return exec.Command("runuser", append([]string{"-u", c.asUser, "--", prog}, args...)...)
}

func (c *pgCluster) start() {
	bin, err := pgBinDir()
	if err != nil {
		c.err = err
		return
	}
	c.pgctl = filepath.Join(bin, "pg_ctl")
	c.dir, err = os.MkdirTemp("", "mfpscan-history-pg-")
	if err != nil {
		c.err = err
		return
	}
	c.socket = filepath.Join(c.dir, "sock")
	data := filepath.Join(c.dir, "data")
	for _, d := range []string{c.socket, data} {
		if err := os.Mkdir(d, 0o700); err != nil {
			c.err = err
			return
		}
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("nobody")
		if err != nil {
			c.err = fmt.Errorf("root needs user nobody to run postgres: %w", err)
			return
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		for _, d := range []string{c.dir, c.socket, data} {
			if err := os.Chown(d, uid, gid); err != nil {
				c.err = err
				return
			}
		}
		c.asUser = "nobody"
	}
	if out, err := c.command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8").CombinedOutput(); err != nil {
		c.err = fmt.Errorf("initdb: %v: %s", err, out)
		return
	}
	// No TCP at all: the socket lives in our temp directory. -w makes
	// pg_ctl poll until the server accepts connections.
	opts := fmt.Sprintf("-c listen_addresses='' -k %s -c fsync=off", c.socket)
	if out, err := c.command(c.pgctl, "start", "-w", "-t", "120", "-D", data, "-l", filepath.Join(c.dir, "log"), "-o", opts).CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		c.err = fmt.Errorf("pg_ctl start: %v: %s\n%s", err, out, log)
	}
}

// stop stops the server through pg_ctl (which signals the PID in its own
// postmaster.pid) and removes its files.
func (c *pgCluster) stop() {
	if c.dir == "" {
		return
	}
	if c.pgctl != "" {
		_ = c.command(c.pgctl, "stop", "-m", "fast", "-w", "-D", filepath.Join(c.dir, "data")).Run()
	}
	os.RemoveAll(c.dir)
}

func (c *pgCluster) dsn(db string) string {
	return fmt.Sprintf("postgres://postgres@/%s?host=%s&sslmode=disable", db, c.socket)
}

// newPostgresDSN returns a fresh empty database on the shared test server.
func newPostgresDSN(t *testing.T) string {
	t.Helper()
	if _, err := pgBinDir(); err != nil {
		testpeer.Missing(t, "postgresql", "Debian package postgresql", err)
	}
	pgOnce.Do(pgShared.start)
	if pgShared.err != nil {
		t.Fatalf("start test PostgreSQL: %v", pgShared.err)
	}
	name := fmt.Sprintf("t%d", pgShared.dbs.Add(1))
	admin, err := openPostgresAdmin(pgShared.dsn("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	return pgShared.dsn(name)
}

func TestMain(m *testing.M) {
	if dsn := os.Getenv("HISTORY_TEST_WRITER"); dsn != "" {
		os.Exit(runWriter(dsn))
	}
	code := m.Run()
	pgShared.stop()
	os.Exit(code)
}
