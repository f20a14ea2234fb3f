package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/mfpscan/mfpscan/internal/buildinfo"
)

func newVersionCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, build settings and rule catalogue version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return writeVersion(cmd.OutOrStdout(), buildinfo.Read(), asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the build information as one JSON object")
	return cmd
}

// writeVersion prints the version on its own first line ("mfpscan VERSION"),
// the form scripts grep for, then the details.
func writeVersion(w io.Writer, in buildinfo.Info, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		return enc.Encode(in)
	}
	commit := in.Commit
	if commit == "" {
		commit = "unknown"
	}
	if in.CommitTime != "" {
		commit += " (" + in.CommitTime + ")"
	}
	if in.Modified {
		commit += ", modified"
	}
	cgo := in.CGO
	if cgo == "" {
		cgo = "unknown"
	}
	_, err := fmt.Fprintf(w, "mfpscan %s\ncommit:    %s\nbuild:     %s, CGO_ENABLED=%s, trimpath=%t\ncatalogue: %s\n",
		in.Version, commit, in.GoVersion, cgo, in.Trimpath, in.Catalogue)
	return err
}
