package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/spf13/cobra/doc"
)

var updateMan = flag.Bool("update-man", false, "rewrite docs/man from the cobra command tree")

// manDir is where the generated pages are committed; the Debian package
// ships them.
const manDir = "../../docs/man"

// genMan writes one page per command (mfpscan.1, mfpscan-scan.1, ...) into
// dir. The date and source are fixed so the pages change only when a
// command, flag or help text does, never with the calendar or the version.
func genMan(t *testing.T, dir string) {
	t.Helper()
	root := newRootCommand()
	root.InitDefaultCompletionCmd()
	root.InitDefaultHelpCmd()
	root.DisableAutoGenTag = true
	date := time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)
	header := &doc.GenManHeader{Title: "MFPSCAN", Section: "1", Date: &date, Source: "mfpscan", Manual: "mfpscan manual"}
	if err := doc.GenManTree(root, header, dir); err != nil {
		t.Fatalf("generate man pages: %v", err)
	}
}

// TestManPagesUpToDate fails when docs/man differs from what the command tree
// generates. Regenerate with:
//
//	go test ./cmd/mfpscan -run TestManPagesUpToDate -update-man
func TestManPagesUpToDate(t *testing.T) {
	if *updateMan {
		if err := os.RemoveAll(manDir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(manDir, 0o755); err != nil {
			t.Fatal(err)
		}
		genMan(t, manDir)
		return
	}
	tmp := t.TempDir()
	genMan(t, tmp)
	want := readDir(t, tmp)
	got := readDir(t, manDir)
	names := func(m map[string][]byte) []string {
		var n []string
		for k := range m {
			n = append(n, k)
		}
		slices.Sort(n)
		return n
	}
	if !slices.Equal(names(got), names(want)) {
		t.Fatalf("docs/man has pages %q, the command tree gives %q; run: go test ./cmd/mfpscan -run TestManPagesUpToDate -update-man", names(got), names(want))
	}
	for name, w := range want {
		if !bytes.Equal(got[name], w) {
			t.Errorf("docs/man/%s is stale; run: go test ./cmd/mfpscan -run TestManPagesUpToDate -update-man", name)
		}
	}
	if len(want) < 10 {
		t.Errorf("only %d man pages generated; expected one per command", len(want))
	}
}

func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("read %s: %v", dir, err)
	}
	m := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = b
	}
	return m
}
