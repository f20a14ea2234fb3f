package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeRun lays out a run from the factcount package's captured outputs:
// mfpscan facts for .10 (factory) and .14 (web server), nmap XML for .10
// and .11.
func writeRun(t *testing.T, mfpWall, nmapWall string) []string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join("..", "internal", "factcount", "testdata")
	facts := filepath.Join(dir, "facts")
	if err := os.Mkdir(facts, 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(src, "facts-ir-adv-factory.json"), filepath.Join(facts, "127.90.0.10.json"))
	copyFile(t, filepath.Join(src, "facts-web-server.json"), filepath.Join(facts, "127.90.0.14.json"))
	copyFile(t, filepath.Join(src, "nmap-2hosts.xml"), filepath.Join(dir, "nmap.xml"))
	write(t, filepath.Join(dir, "truth.json"), `{"devices":[{"address":"127.90.0.10","profile":"ir-adv-factory"},{"address":"127.90.0.14","profile":"web-server"}]}`)
	write(t, filepath.Join(dir, "m.json"), `{"wall_seconds":`+mfpWall+`,"max_rss_kb":2048,"exit_code":0}`)
	write(t, filepath.Join(dir, "n.json"), `{"wall_seconds":`+nmapWall+`,"max_rss_kb":1024,"exit_code":0}`)
	return []string{"-truth", filepath.Join(dir, "truth.json"), "-mfpscan", facts, "-mfpscan-result", filepath.Join(dir, "m.json"),
		"-nmap", filepath.Join(dir, "nmap.xml"), "-nmap-result", filepath.Join(dir, "n.json")}
}

func TestReport(t *testing.T) {
	for _, tc := range []struct {
		mfp, nmap, speed string
	}{
		{"10", "40", "4.00× faster than nmap (want ≥ 3×): met"},
		{"10", "20", "2.00× faster than nmap (want ≥ 3×): MISSED"},
	} {
		var out bytes.Buffer
		if err := run(context.Background(), writeRun(t, tc.mfp, tc.nmap), &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		for _, want := range []string{
			tc.speed,
			// nmap has no output for .14, the truth has no .11: nmap covers 1 of 2.
			"nmap     40.0", "1/2",
			"ir-adv-factory",
			"mfpscan collector time",
		} {
			if want == "nmap     40.0" && tc.nmap != "40" {
				continue
			}
			if !strings.Contains(got, want) {
				t.Errorf("report lacks %q:\n%s", want, got)
			}
		}
		// Coverage is incomplete for nmap but complete for mfpscan, which
		// also has more facts on the factory device alone.
		if !strings.Contains(got, "want more): met") {
			t.Errorf("facts verdict not met:\n%s", got)
		}
	}
}

func TestRunErrors(t *testing.T) {
	args := writeRun(t, "1", "1")
	if err := run(context.Background(), args[:4], io.Discard, io.Discard); err == nil {
		t.Error("missing flags: no error")
	}
	bad := append([]string(nil), args...)
	bad[len(bad)-3] = filepath.Join(t.TempDir(), "missing.xml") // -nmap
	if err := run(context.Background(), bad, io.Discard, io.Discard); err == nil {
		t.Error("missing nmap output: no error")
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	write(t, to, string(b))
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}
