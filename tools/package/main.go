// Command package builds the mfpscan Debian package with the nfpm library:
// the static binary, the man pages from docs/man, the systemd service and
// timer (installed, not enabled), the nightly script, bash/zsh/fish
// completions and the example configuration under /etc/mfpscan (conffiles).
//
// It is its own Go module: nfpm's file globbing needs gobwas/glob v0.2, and
// OPA, which mfpscan links, needs v1.1 of the same module path.
//
//	CGO_ENABLED=0 go build -trimpath -buildvcs=true -ldflags="-s -w" -o mfpscan ./cmd/mfpscan
//	(cd tools/package && go run . -binary ../../mfpscan -out ../../dist)
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
	"github.com/goreleaser/nfpm/v2/files"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "package:", err)
		os.Exit(1)
	}
}

type options struct {
	binary, root, out, arch, version string
}

func run(args []string) error {
	var o options
	fs := flag.NewFlagSet("package", flag.ContinueOnError)
	fs.StringVar(&o.binary, "binary", "", "the static mfpscan binary to package (required)")
	fs.StringVar(&o.root, "root", "../..", "the repository root (docs/man, deploy/debian, LICENSE)")
	fs.StringVar(&o.out, "out", "dist", "directory for the .deb")
	fs.StringVar(&o.arch, "arch", "amd64", "Debian architecture of the binary")
	fs.StringVar(&o.version, "version", "", "package version (default: what `mfpscan version --json` reports)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.binary == "" {
		return errors.New("-binary is required")
	}
	path, err := build(o)
	if err != nil {
		return err
	}
	fmt.Println(path)
	return nil
}

// stamp is what the binary says about itself.
type stamp struct {
	Version    string `json:"version"`
	CommitTime string `json:"commit_time"`
}

func readStamp(binary string) (stamp, error) {
	var s stamp
	out, err := exec.Command(binary, "version", "--json").Output()
	if err != nil {
		return s, fmt.Errorf("run %s version --json: %w", binary, err)
	}
	if err := json.Unmarshal(out, &s); err != nil {
		return s, fmt.Errorf("parse version --json: %w", err)
	}
	return s, nil
}

// debVersion turns the go command's version into a Debian one: "v1.2.3"
// → "1.2.3"; a pseudo-version v0.0.0-20261202163412-abcdef123456 →
// 0.0.0~20261202163412.abcdef123456, which sorts before 0.0.0 as a
// pre-release must; "dev" (no VCS) → 0.0.0~dev.
func debVersion(v string) string {
	v = strings.TrimPrefix(v, "v")
	v = strings.TrimSuffix(v, "+dirty")
	if v == "dev" || v == "" {
		return "0.0.0~dev"
	}
	base, pre, ok := strings.Cut(v, "-")
	if !ok {
		return base
	}
	return base + "~" + strings.ReplaceAll(pre, "-", ".")
}

func build(o options) (string, error) {
	version := o.version
	mtime := time.Unix(0, 0).UTC()
	if s, err := readStamp(o.binary); err == nil {
		if version == "" {
			version = debVersion(s.Version)
		}
		// The commit time, so the same commit gives the same package.
		if t, err := time.Parse(time.RFC3339, s.CommitTime); err == nil {
			mtime = t.UTC()
		}
	} else if version == "" {
		return "", err
	}
	staging, err := os.MkdirTemp("", "mfpscan-package-")
	if err != nil {
		return "", fmt.Errorf("create staging dir: %w", err)
	}
	defer os.RemoveAll(staging)
	manPages, err := gzipManPages(filepath.Join(o.root, "docs", "man"), staging, mtime)
	if err != nil {
		return "", err
	}
	deb := filepath.Join(o.root, "deploy", "debian")
	file := func(src, dst string, mode os.FileMode) *files.Content {
		return &files.Content{Source: src, Destination: dst, FileInfo: &files.ContentFileInfo{Mode: mode, Owner: "root", Group: "root"}}
	}
	conf := func(src, dst string) *files.Content {
		c := file(src, dst, 0o644)
		c.Type = files.TypeConfig
		return c
	}
	contents := files.Contents{
		file(o.binary, "/usr/bin/mfpscan", 0o755),
		file(filepath.Join(deb, "mfpscan-nightly"), "/usr/libexec/mfpscan/mfpscan-nightly", 0o755),
		// Shipped into the unit directory only: with no maintainer script
		// and no symlink in timers.target.wants, nothing is enabled.
		file(filepath.Join(deb, "mfpscan.service"), "/usr/lib/systemd/system/mfpscan.service", 0o644),
		file(filepath.Join(deb, "mfpscan.timer"), "/usr/lib/systemd/system/mfpscan.timer", 0o644),
		conf(filepath.Join(deb, "config.yaml"), "/etc/mfpscan/config.yaml"),
		conf(filepath.Join(deb, "targets.txt"), "/etc/mfpscan/targets.txt"),
		file(filepath.Join(o.root, "LICENSE"), "/usr/share/doc/mfpscan/copyright", 0o644),
		file(filepath.Join(o.root, "NOTICE"), "/usr/share/doc/mfpscan/NOTICE", 0o644),
	}
	comps, err := completions(o.binary, staging)
	if err != nil {
		return "", err
	}
	for dst, src := range comps {
		contents = append(contents, file(src, dst, 0o644))
	}
	for _, m := range manPages {
		contents = append(contents, file(m, "/usr/share/man/man1/"+filepath.Base(m), 0o644))
	}
	info := nfpm.WithDefaults(&nfpm.Info{
		Name:          "mfpscan",
		Arch:          o.arch,
		Platform:      "linux",
		Version:       version,
		VersionSchema: "none",
		Section:       "net",
		Priority:      "optional",
		Maintainer:    "mfpscan maintainers <mfpscan@users.noreply.github.com>",
		Description: "agentless security scanner for office multifunction printers\n" +
			"mfpscan sweeps networks for MFPs, collects facts (ports, TLS, SNMP, Remote UI\n" +
			"login, firmware advisories), evaluates Rego policies mapped to Canon's security\n" +
			"guide and writes SARIF, HTML and JSON findings. Read-only towards devices.",
		Vendor:   "mfpscan",
		Homepage: "https://github.com/mfpscan/mfpscan",
		License:  "Apache-2.0",
		MTime:    mtime,
		Overridables: nfpm.Overridables{
			Contents: contents,
			Suggests: []string{"nmap"},
		},
	})
	if err := nfpm.PrepareForPackager(info, "deb"); err != nil {
		return "", fmt.Errorf("prepare package: %w", err)
	}
	pkger, err := nfpm.Get("deb")
	if err != nil {
		return "", fmt.Errorf("deb packager: %w", err)
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", o.out, err)
	}
	var buf bytes.Buffer
	if err := pkger.Package(info, &buf); err != nil {
		return "", fmt.Errorf("build package: %w", err)
	}
	target := filepath.Join(o.out, pkger.ConventionalFileName(info))
	return target, writeAtomic(target, buf.Bytes())
}

// completions asks the binary for its cobra shell completion scripts and
// returns them by their Debian install path.
func completions(binary, staging string) (map[string]string, error) {
	paths := map[string]string{
		"bash": "/usr/share/bash-completion/completions/mfpscan",
		"zsh":  "/usr/share/zsh/vendor-completions/_mfpscan",
		"fish": "/usr/share/fish/vendor_completions.d/mfpscan.fish",
	}
	out := map[string]string{}
	for shell, dst := range paths {
		script, err := exec.Command(binary, "completion", shell).Output()
		if err != nil || len(script) == 0 {
			return nil, fmt.Errorf("generate %s completion with %s: %v", shell, binary, err)
		}
		src := filepath.Join(staging, "completion."+shell)
		if err := os.WriteFile(src, script, 0o644); err != nil {
			return nil, fmt.Errorf("write %s completion: %w", shell, err)
		}
		out[dst] = src
	}
	return out, nil
}

// gzipManPages compresses every page of dir into staging, as Debian policy
// wants man pages, with a fixed header time so the package is reproducible.
func gzipManPages(dir, staging string, mtime time.Time) ([]string, error) {
	pages, err := filepath.Glob(filepath.Join(dir, "*.1"))
	if err != nil || len(pages) == 0 {
		return nil, fmt.Errorf("find man pages in %s: none (%v)", dir, err)
	}
	var out []string
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read man page: %w", err)
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.ModTime = mtime
		if _, err := zw.Write(b); err != nil {
			return nil, fmt.Errorf("compress %s: %w", p, err)
		}
		if err := zw.Close(); err != nil {
			return nil, fmt.Errorf("compress %s: %w", p, err)
		}
		dst := filepath.Join(staging, filepath.Base(p)+".gz")
		if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
			return nil, fmt.Errorf("write %s: %w", dst, err)
		}
		out = append(out, dst)
	}
	return out, nil
}

// writeAtomic writes through a temporary file and a rename, so a reader
// never sees half a package.
func writeAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".mfpscan-deb-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
