package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/internal/testpeer"
	"github.com/mfpscan/mfpscan/policies"
)

func TestVersionFromBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/mfpscan/mfpscan", Version: "v1.4.0"},
		Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	got := versionFrom(bi, true, "", "sha256:aaaaaaaaaaaa").String()
	want := "mfpscan v1.4.0\ncommit: 0123456789abcdef0123456789abcdef01234567 (modified)\nrule catalogue: sha256:aaaaaaaaaaaa\ngo: go1.26.8\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	bare := versionFrom(&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true, "", "sha256:b").String()
	if !strings.HasPrefix(bare, "mfpscan devel\ncommit: unknown\n") {
		t.Errorf("without VCS information: %q", bare)
	}
	if v := versionFrom(nil, false, "2.0.0-deb1", "c"); v.Version != "2.0.0-deb1" || v.Commit != "unknown" {
		t.Errorf("ldflags override without build info: %+v", v)
	}
}

// TestVersionFlagAndCommand: `mfpscan --version` and `mfpscan version` print
// the same lines: the build's version and commit and the embedded catalogue.
func TestVersionFlagAndCommand(t *testing.T) {
	code, flagOut, msg := runCLI(t, "--version")
	if code != exitOK {
		t.Fatalf("--version: exit %d: %s", code, msg)
	}
	code, cmdOut, msg := runCLI(t, "version")
	if code != exitOK {
		t.Fatalf("version: exit %d: %s", code, msg)
	}
	if flagOut != cmdOut {
		t.Errorf("--version printed %q, version printed %q", flagOut, cmdOut)
	}
	v := readVersion()
	for _, want := range []string{"mfpscan " + v.Version + "\n", "commit: " + v.Commit, "rule catalogue: " + policies.CatalogueVersion() + "\n"} {
		if !strings.Contains(cmdOut, want) {
			t.Errorf("version output %q lacks %q", cmdOut, want)
		}
	}
}

// TestVersionOfBuiltBinary builds mfpscan from a git clone of this commit
// (the Go toolchain stamps VCS information only in a plain checkout, not in
// a git worktree) and checks that both version forms print that commit, and
// "(modified)" once a tracked file changes.
func TestVersionOfBuiltBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary twice")
	}
	git := testpeer.Path(t, "git", "Debian package git")
	goBin := testpeer.Path(t, "go", "the Go toolchain")
	top := strings.TrimSpace(runIn(t, ".", git, "rev-parse", "--show-toplevel"))
	rev := strings.TrimSpace(runIn(t, ".", git, "rev-parse", "HEAD"))
	clone := filepath.Join(t.TempDir(), "src")
	runIn(t, ".", git, "clone", "--quiet", "--no-checkout", top, clone)
	runIn(t, clone, git, "checkout", "--quiet", rev)
	bin := filepath.Join(t.TempDir(), "mfpscan")
	build := func() {
		cmd := exec.Command(goBin, "build", "-buildvcs=true", "-o", bin, "./cmd/mfpscan")
		cmd.Dir = clone
		cmd.Env = append(os.Environ(), "GOFLAGS=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
	}
	check := func(commitLine string) {
		t.Helper()
		a := runIn(t, clone, bin, "--version")
		b := runIn(t, clone, bin, "version")
		if a != b {
			t.Errorf("--version printed %q, version printed %q", a, b)
		}
		lines := strings.Split(a, "\n")
		if len(lines) < 3 || lines[1] != commitLine || lines[2] != "rule catalogue: "+policies.CatalogueVersion() {
			t.Errorf("version output %q, want line %q and the catalogue %s", a, commitLine, policies.CatalogueVersion())
		}
		if !strings.HasPrefix(lines[0], "mfpscan v0.0.0-") || !strings.Contains(lines[0], rev[:12]) {
			t.Errorf("version line %q is not the pseudo-version of %s", lines[0], rev[:12])
		}
	}
	build()
	check("commit: " + rev)
	readme := filepath.Join(clone, "README.md")
	if err := os.WriteFile(readme, []byte("changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	build()
	check("commit: " + rev + " (modified)")
}

func runIn(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out)
}
