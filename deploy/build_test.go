package deploy

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// buildArgs is the release build, exactly as the README gives it (without -o).
// -buildvcs=true overrides a GOFLAGS=-buildvcs=false in the environment: the
// commit must be stamped whenever the source is a git checkout.
var buildArgs = []string{"build", "-trimpath", "-buildvcs=true", "-ldflags=-s -w"}

// repoRoot is the module root: deploy/ is one level down.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// goBuild builds ./cmd/mfpscan in dir the release way into out.
func goBuild(t testing.TB, dir, out string, extra ...string) {
	t.Helper()
	args := append(append([]string{}, buildArgs...), extra...)
	args = append(args, "-o", out, "./cmd/mfpscan")
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, b)
	}
}

var (
	binOnce sync.Once
	binPath string
	binErr  string
)

// staticBinary builds the working tree's mfpscan once per test binary, the
// release way, for the container and package tests. A git worktree is not a
// VCS root to the go command (.git is a file there), so it is built with
// -buildvcs=auto.
func staticBinary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mfpscan-deploy-")
		if err != nil {
			binErr = err.Error()
			return
		}
		binPath = filepath.Join(dir, "mfpscan")
		args := []string{"build", "-trimpath", "-buildvcs=auto", "-ldflags=-s -w", "-o", binPath, "./cmd/mfpscan"}
		cmd := exec.Command("go", args...)
		cmd.Dir = filepath.Join("..")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			binErr = "go build: " + err.Error() + "\n" + string(b)
		}
	})
	if binErr != "" {
		t.Fatal(binErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// TestStaticReproducibleBuild builds the committed HEAD from two clones at
// different paths with the README's command and checks the binaries are
// byte-identical, static, built without cgo and with -trimpath, and stamp the
// commit they were built from. Both builds share the go command's build
// cache, so this proves path independence and stamping, not a cold rebuild.
func TestStaticReproducibleBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds mfpscan twice; skipped with -short")
	}
	git := exec.Command("git", "rev-parse", "HEAD")
	git.Dir = repoRoot(t)
	head, err := git.Output()
	if err != nil {
		t.Fatalf("git rev-parse HEAD (the test builds the committed tree): %v", err)
	}
	commit := strings.TrimSpace(string(head))

	var sums [2][32]byte
	var bins [2]string
	for i := range 2 {
		// Different depths, so a path leaking into the binary would show.
		clone := filepath.Join(t.TempDir(), strings.Repeat("x", i+1), "src")
		if b, err := exec.Command("git", "clone", "-q", repoRoot(t), clone).CombinedOutput(); err != nil {
			t.Fatalf("git clone: %v\n%s", err, b)
		}
		// Pin the commit: HEAD may move while the test runs.
		if b, err := exec.Command("git", "-C", clone, "checkout", "-q", commit).CombinedOutput(); err != nil {
			t.Fatalf("git checkout %s: %v\n%s", commit, err, b)
		}
		bins[i] = filepath.Join(t.TempDir(), "mfpscan")
		goBuild(t, clone, bins[i])
		b, err := os.ReadFile(bins[i])
		if err != nil {
			t.Fatal(err)
		}
		sums[i] = sha256.Sum256(b)
	}
	if sums[0] != sums[1] {
		t.Errorf("two builds of %s from different paths differ: %x vs %x", commit, sums[0], sums[1])
	}

	out, err := exec.Command("go", "version", "-m", bins[0]).Output()
	if err != nil {
		t.Fatalf("go version -m: %v", err)
	}
	for _, want := range []string{"build\tCGO_ENABLED=0", "build\t-trimpath=true", "build\tvcs.revision=" + commit, "build\tvcs.modified=false"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("go version -m lacks %q:\n%s", want, out)
		}
	}
	assertStatic(t, bins[0])

	version := exec.Command(bins[0], "version", "--json")
	version.Env = append(os.Environ(), "MFPSCAN_CONFIG=") // no config file of the machine's
	vout, err := version.Output()
	if err != nil {
		t.Fatalf("mfpscan version --json: %v", err)
	}
	var info struct {
		Version   string `json:"version"`
		Commit    string `json:"commit"`
		Modified  bool   `json:"modified"`
		CGO       string `json:"cgo_enabled"`
		Trimpath  bool   `json:"trimpath"`
		Catalogue struct {
			Rules, Fingerprints, Advisories string
		} `json:"catalogue"`
	}
	if err := json.Unmarshal(vout, &info); err != nil {
		t.Fatalf("version --json: %v\n%s", err, vout)
	}
	// With no release tag on the commit, the go command stamps a
	// pseudo-version that ends in the commit's first 12 hex digits.
	if !strings.HasSuffix(info.Version, commit[:12]) && !regexp.MustCompile(`^v\d+\.\d+\.\d+$`).MatchString(info.Version) {
		t.Errorf("version %q is neither a release tag nor a pseudo-version of %s", info.Version, commit[:12])
	}
	if info.Commit != commit || info.Modified || info.CGO != "0" || !info.Trimpath {
		t.Errorf("version --json = %+v, want commit %s, unmodified, CGO_ENABLED=0, trimpath", info, commit)
	}
	if !strings.HasPrefix(info.Catalogue.Rules, "sha256:") || info.Catalogue.Fingerprints == "" || info.Catalogue.Advisories == "" {
		t.Errorf("catalogue version incomplete: %+v", info.Catalogue)
	}
}

// assertStatic checks the ELF file asks for no dynamic loader and no shared
// library: it runs in an image FROM scratch.
func assertStatic(t testing.TB, path string) {
	t.Helper()
	if runtime.GOOS != "linux" {
		return
	}
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("open ELF: %v", err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s has a program interpreter: it is dynamically linked", path)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("%s needs shared libraries %v", path, libs)
	}
}

// fileDigest is the SHA-256 of a file's contents.
func fileDigest(t testing.TB, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}
