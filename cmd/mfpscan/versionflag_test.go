package main

import (
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/internal/buildinfo"
)

// TestVersionFlagAndCommand: `mfpscan --version` prints what `mfpscan
// version` prints: version, commit and catalogue from the build information.
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
	in := buildinfo.Read()
	for _, want := range []string{"mfpscan " + in.Version + "\n", in.Catalogue.Rules} {
		if !strings.Contains(cmdOut, want) {
			t.Errorf("version output %q lacks %q", cmdOut, want)
		}
	}
}
