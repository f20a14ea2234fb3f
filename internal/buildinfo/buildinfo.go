// Package buildinfo reports what a binary was built from: the module version
// and VCS commit the Go toolchain stamps into every binary, the build settings
// (cgo, -trimpath) and the versions of the embedded rule catalogue and data.
//
// Reading them from runtime/debug instead of -ldflags -X means a plain
// `go build` or `go install module@version` yields the same answer as a
// release build, with no Makefile to keep in step.
package buildinfo

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/mfpscan/mfpscan/collectors/advisories"
	"github.com/mfpscan/mfpscan/collectors/fingerprint"
	"github.com/mfpscan/mfpscan/policies"
)

// Info is what `mfpscan version` prints.
type Info struct {
	Version    string `json:"version"`
	Commit     string `json:"commit,omitempty"`
	CommitTime string `json:"commit_time,omitempty"`
	Modified   bool   `json:"modified,omitempty"`
	GoVersion  string `json:"go_version"`
	CGO        string `json:"cgo_enabled,omitempty"`
	Trimpath   bool   `json:"trimpath"`
	// Catalogue identifies the embedded rules and data: a digest of the Rego
	// files plus the fingerprint and advisory data versions, so two binaries
	// with the same catalogue give the same results on the same facts.
	Catalogue Catalogue `json:"catalogue"`
}

// Catalogue names the versions of the embedded rule catalogue and data.
type Catalogue struct {
	Rules        string `json:"rules"`
	Fingerprints string `json:"fingerprints"`
	Advisories   string `json:"advisories"`
}

// String is the one-line catalogue version, as recorded in reports.
func (c Catalogue) String() string {
	return fmt.Sprintf("rules %s, fingerprints %s, advisories %s", c.Rules, c.Fingerprints, c.Advisories)
}

// devel is what the toolchain reports when it knows no module version.
const devel = "(devel)"

var (
	once sync.Once
	info Info
)

// Read returns the build information of the running binary.
func Read() Info {
	once.Do(func() {
		bi, ok := debug.ReadBuildInfo()
		if !ok {
			info = Info{Version: "unknown", GoVersion: "unknown"}
		} else {
			info = FromBuildInfo(bi)
		}
		info.Catalogue = readCatalogue()
	})
	return info
}

// FromBuildInfo extracts version, commit and build settings; a pure function
// so it can be table-tested without building binaries.
func FromBuildInfo(bi *debug.BuildInfo) Info {
	in := Info{Version: bi.Main.Version, GoVersion: bi.GoVersion}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			in.Commit = s.Value
		case "vcs.time":
			in.CommitTime = s.Value
		case "vcs.modified":
			in.Modified = s.Value == "true"
		case "CGO_ENABLED":
			in.CGO = s.Value
		case "-trimpath":
			in.Trimpath = s.Value == "true"
		}
	}
	if in.Version == "" || in.Version == devel {
		// A build outside any VCS (a source tarball) has neither; say so
		// rather than invent a number.
		in.Version = "dev"
	}
	// Go stamps "+dirty" into the version itself when the tree was modified.
	if strings.HasSuffix(in.Version, "+dirty") {
		in.Modified = true
	}
	return in
}

func readCatalogue() Catalogue {
	c := Catalogue{Rules: "unknown", Fingerprints: "unknown", Advisories: "unknown"}
	if d, err := rulesDigest(policies.BuiltinFS); err == nil {
		c.Rules = d
	}
	if db, err := fingerprint.Default(); err == nil {
		c.Fingerprints = db.Version
	}
	if ad, err := advisories.Default(); err == nil {
		c.Advisories = ad.Version
	}
	return c
}

// rulesDigest hashes every file of the embedded catalogue, names and
// contents, in the walk's lexical order: any edit to a rule changes it.
func rulesDigest(fsys fs.FS) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := fsys.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		fmt.Fprintf(h, "%s\x00", path)
		_, err = io.Copy(h, f)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("hash rule catalogue: %w", err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:12], nil
}
