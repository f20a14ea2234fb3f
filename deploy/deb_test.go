package deploy

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/internal/testpeer"
)

// buildDeb runs the packaging program (tools/package, its own module) on the
// static binary and returns the path of the .deb.
func buildDeb(t *testing.T, bin string) string {
	t.Helper()
	root := repoRoot(t)
	out := t.TempDir()
	cmd := exec.Command("go", "run", ".", "-binary", bin, "-root", root, "-out", out)
	cmd.Dir = filepath.Join(root, "tools", "package")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("go run ./tools/package: %v\n%s", err, stderr.String())
	}
	deb := strings.TrimSpace(string(stdout))
	if _, err := os.Stat(deb); err != nil {
		t.Fatalf("package program printed %q: %v", deb, err)
	}
	return deb
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestDebianPackage builds the .deb with the nfpm library, installs it on
// this machine with dpkg -i, runs the installed binary, checks the man page,
// the disabled systemd units and the conffiles, then removes and purges it.
// Root only: it changes the real system, and only for the package it built.
func TestDebianPackage(t *testing.T) {
	testpeer.Root(t, "dpkg -i installs the package into the real system")
	dpkg := testpeer.Path(t, "dpkg", "Debian package dpkg")
	testpeer.Path(t, "dpkg-deb", "Debian package dpkg")
	// Never replace what an operator installed: an installed mfpscan, or a
	// binary where the package would put one, stops the test.
	if out, _ := exec.Command("dpkg-query", "-W", "-f=${Status}", "mfpscan").Output(); strings.Contains(string(out), "installed") {
		t.Fatalf("a package mfpscan is already installed (%s); the test will not replace it", out)
	}
	for _, p := range []string{"/usr/bin/mfpscan", "/etc/mfpscan"} {
		if _, err := os.Lstat(p); err == nil {
			t.Fatalf("%s exists outside any package; the test will not overwrite it", p)
		}
	}

	bin := staticBinary(t)
	deb := buildDeb(t, bin)
	info := run(t, "dpkg-deb", "-I", deb, "conffiles")
	for _, c := range []string{"/etc/mfpscan/config.yaml", "/etc/mfpscan/targets.txt"} {
		if !strings.Contains(info, c) {
			t.Errorf("conffiles %q lacks %s", info, c)
		}
	}
	if fields := run(t, "dpkg-deb", "-f", deb, "Package", "Architecture", "Section"); !strings.Contains(fields, "Package: mfpscan") || !strings.Contains(fields, "Section: net") {
		t.Errorf("control fields: %s", fields)
	}

	installed := false
	t.Cleanup(func() {
		if installed {
			// Whatever failed above, leave the machine as it was.
			_ = exec.Command(dpkg, "--purge", "mfpscan").Run()
		}
	})
	installed = true
	run(t, dpkg, "-i", deb)

	ver := run(t, "/usr/bin/mfpscan", "version")
	want, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if ver != string(want) {
		t.Errorf("installed mfpscan version = %q, want the packaged binary's %q", ver, want)
	}
	out := t.TempDir()
	// The installed binary records history by default: keep its store in the
	// test's own state directory, never the machine's; and it reads the
	// user's config after /etc/mfpscan/config.yaml: an empty one of the test.
	state, home := t.TempDir(), t.TempDir()
	userEnv := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "MFPSCAN_CONFIG=") })
	userEnv = append(userEnv, "XDG_STATE_HOME="+state, "STATE_DIRECTORY=", "XDG_CONFIG_HOME="+home, "HOME="+home)
	// The packaged config is read: it sets the nightly scan's --fail-on.
	show := exec.Command("/usr/bin/mfpscan", "config", "show", "scan")
	show.Env = userEnv
	if b, err := show.CombinedOutput(); err != nil || !regexp.MustCompile(`(?m)^scan\.fail-on +high +/etc/mfpscan/config\.yaml$`).Match(b) {
		t.Errorf("installed mfpscan config show scan: %v; want scan.fail-on high from /etc/mfpscan/config.yaml:\n%s", err, b)
	}
	eval := exec.Command("/usr/bin/mfpscan", "eval", filepath.Join(repoRoot(t), "testdata", "reports", "facts-127.77.0.10.json"), "--out", out, "--format", "json", "--quiet")
	eval.Env = userEnv
	if b, err := eval.CombinedOutput(); err != nil {
		t.Fatalf("installed mfpscan eval: %v\n%s", err, b)
	}
	if _, err := os.Stat(filepath.Join(state, "mfpscan", "history.db")); err != nil {
		t.Errorf("installed binary did not record its run in the history store: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(out, "findings.json")); err != nil || !strings.Contains(string(b), `"MFP-`) {
		t.Errorf("installed mfpscan eval wrote no findings: %v", err)
	}

	checkManPage(t)
	for _, p := range []string{"/usr/lib/systemd/system/mfpscan.service", "/usr/lib/systemd/system/mfpscan.timer",
		"/usr/libexec/mfpscan/mfpscan-nightly", "/etc/mfpscan/config.yaml", "/usr/share/doc/mfpscan/copyright",
		"/usr/share/bash-completion/completions/mfpscan"} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("installed package lacks %s: %v", p, err)
		}
	}
	// Installed disabled: no unit is wired into a target.
	for _, p := range []string{"/etc/systemd/system/timers.target.wants/mfpscan.timer", "/etc/systemd/system/multi-user.target.wants/mfpscan.service"} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s exists: the package enabled a unit", p)
		}
	}
	if sa, err := exec.LookPath("systemd-analyze"); err == nil {
		if b, err := exec.Command(sa, "verify", "/usr/lib/systemd/system/mfpscan.service", "/usr/lib/systemd/system/mfpscan.timer").CombinedOutput(); err != nil {
			t.Errorf("systemd-analyze verify: %v\n%s", err, b)
		}
	}

	run(t, dpkg, "-r", "mfpscan")
	if _, err := os.Stat("/usr/bin/mfpscan"); err == nil {
		t.Error("dpkg -r left /usr/bin/mfpscan behind")
	}
	// dpkg -r keeps edited configuration; --purge removes it.
	if _, err := os.Stat("/etc/mfpscan/config.yaml"); err != nil {
		t.Errorf("dpkg -r removed the conffile /etc/mfpscan/config.yaml: %v", err)
	}
	run(t, dpkg, "--purge", "mfpscan")
	installed = false
	if _, err := os.Stat("/etc/mfpscan"); err == nil {
		t.Error("dpkg --purge left /etc/mfpscan behind")
	}
}

// checkManPage checks the installed mfpscan(1) is the committed docs/man page.
func checkManPage(t *testing.T) {
	t.Helper()
	f, err := os.Open("/usr/share/man/man1/mfpscan.1.gz")
	if err != nil {
		t.Fatalf("man page not installed: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("man page: %v", err)
	}
	got, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "man", "mfpscan.1"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("installed mfpscan.1 differs from docs/man/mfpscan.1")
	}
}
