package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mfpscan/mfpscan/policies"
)

// version, when set at build time with -ldflags "-X main.version=...",
// overrides the module version from the build information (for packagers
// that build outside the module cache and outside git).
var version string

// buildVersion is what `mfpscan version` and `mfpscan --version` print.
type buildVersion struct {
	Version   string // main module version, "devel" when not stamped
	Commit    string // vcs.revision, "unknown" when not built from git
	Modified  bool   // vcs.modified: built from a tree with local changes
	Catalogue string // policies.CatalogueVersion
	Go        string
}

// readVersion reads the build information the Go toolchain embeds in the
// binary: the main module version and, when built inside a git checkout, the
// commit and whether the tree was modified.
func readVersion() buildVersion {
	bi, ok := debug.ReadBuildInfo()
	return versionFrom(bi, ok, version, policies.CatalogueVersion())
}

func versionFrom(bi *debug.BuildInfo, ok bool, override, catalogue string) buildVersion {
	v := buildVersion{Version: "devel", Commit: "unknown", Catalogue: catalogue, Go: "unknown"}
	if ok && bi != nil {
		if mv := bi.Main.Version; mv != "" && mv != "(devel)" {
			v.Version = mv
		}
		v.Go = bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Commit = s.Value
			case "vcs.modified":
				v.Modified = s.Value == "true"
			}
		}
	}
	if override != "" {
		v.Version = override
	}
	return v
}

func (v buildVersion) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mfpscan %s\n", v.Version)
	commit := v.Commit
	if v.Modified {
		commit += " (modified)"
	}
	fmt.Fprintf(&b, "commit: %s\n", commit)
	fmt.Fprintf(&b, "rule catalogue: %s\n", v.Catalogue)
	fmt.Fprintf(&b, "go: %s\n", v.Go)
	return b.String()
}

// setVersion gives root the --version flag; it prints what the version
// command prints.
func setVersion(root *cobra.Command, v buildVersion) {
	root.Version = v.String()
	root.SetVersionTemplate("{{.Version}}")
}

func newVersionCommand(v buildVersion) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and rule catalogue version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(cmd.OutOrStdout(), v.String())
			return err
		},
	}
}
