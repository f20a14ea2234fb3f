package policies

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mfpscan/mfpscan/internal/inputfile"
)

// Caps on what Load reads from the operator's paths. Policies and their
// data are text of a few kilobytes; a path to /dev/zero, a FIFO, or a small
// bundle that expands to gigabytes must fail at once with a clear error,
// before OPA's loader (which has no limits of its own) reads it.
const (
	// maxPolicyFile caps one file of a policy directory or one .rego file.
	maxPolicyFile = 4 << 20
	// maxPolicyTree caps all the files of one --policy path together, and a
	// bundle's expanded contents.
	maxPolicyTree = 64 << 20
	// maxBundleFile caps a bundle tarball as stored (compressed).
	maxBundleFile = 16 << 20
	// maxBundleEntries caps the files in a bundle.
	maxBundleEntries = 10000
)

// regularFile checks that path names a regular file no larger than limit,
// without opening it (opening a FIFO blocks).
func regularFile(what, path string, limit int64) error {
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return checkRegular(what, path, info, limit)
}

func checkRegular(what, path string, info fs.FileInfo, limit int64) error {
	if err := inputfile.CheckInfo(path, info, limit); err != nil {
		return fmt.Errorf("%s %w", what, err)
	}
	return nil
}

// checkPolicyTree checks every file below dir the loader will read: each
// regular (symbolic links are checked as what they point to) and within
// the caps, one by one and together. In a plain policy directory that is
// the .rego files (all false); in an unpacked bundle, or for `policy test`,
// which reads data files too, it is every file.
func checkPolicyTree(dir string, all bool) error {
	var total int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || (!all && !strings.HasSuffix(path, ".rego")) {
			return nil
		}
		info, err := os.Stat(path)
		if err != nil {
			return fmt.Errorf("load policy %s: %w", dir, err)
		}
		if info.IsDir() {
			return nil
		}
		if err := checkRegular("load policy", path, info, maxPolicyFile); err != nil {
			return err
		}
		if total += info.Size(); total > maxPolicyTree {
			return fmt.Errorf("load policy %s: files larger than %d MiB together", dir, maxPolicyTree>>20)
		}
		return nil
	})
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return fmt.Errorf("load policy %s: %w", dir, err)
		}
		return err
	}
	return nil
}

// checkBundle reads a bundle tarball once, as a stream, and refuses it when
// it is not a regular file, is over maxBundleFile, or expands beyond
// maxPolicyTree or maxBundleEntries, before OPA's loader expands it in
// memory.
func checkBundle(path string) error {
	if err := regularFile("load bundle", path, maxBundleFile); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("load bundle: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("load bundle %s: %w", path, err)
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	var total int64
	for n := 0; ; n++ {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("load bundle %s: %w", path, err)
		}
		if n >= maxBundleEntries {
			return fmt.Errorf("load bundle %s: more than %d files", path, maxBundleEntries)
		}
		// Count what the archive really expands to, not what headers claim.
		got, err := io.Copy(io.Discard, io.LimitReader(tr, maxPolicyTree-total+1))
		if err != nil {
			return fmt.Errorf("load bundle %s: %s: %w", path, h.Name, err)
		}
		if total += got; total > maxPolicyTree {
			return fmt.Errorf("load bundle %s: expands to more than %d MiB", path, maxPolicyTree>>20)
		}
	}
}
