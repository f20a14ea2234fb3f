package reports

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.txt")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := WriteFileAtomic(p, func(w io.Writer) error {
		_, _ = io.WriteString(w, "partial")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Errorf("failed write changed the file: %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temp file left behind: %v", entries)
	}
	if err := WriteFileAtomic(p, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Errorf("content = %q", b)
	}
	if err := WriteFileAtomic(filepath.Join(dir, "missing", "x"), func(io.Writer) error { return nil }); err == nil {
		t.Error("no error for a missing directory")
	}
}

func TestRegistry(t *testing.T) {
	got := Formats()
	want := []string{"sarif", "html", "json", "csv", "markdown", "jsonl"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Formats() = %v, want %v", got, want)
	}
	for _, n := range got {
		w, err := Get(n)
		if err != nil || w.Name() != n || w.Filename() == "" {
			t.Errorf("Get(%q) = %v, %v", n, w, err)
		}
	}
	_, err := Get("pdf")
	if err == nil || !strings.Contains(err.Error(), "sarif, html, json, csv") {
		t.Errorf("Get(pdf) error = %v", err)
	}
}

func TestWriteAll(t *testing.T) {
	dir := t.TempDir()
	run := fixtureRun()
	paths, err := WriteAll(context.Background(), dir, run, []string{"sarif", "html", "json", "csv"})
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, p := range paths {
		r, _ := filepath.Rel(dir, p)
		rel = append(rel, filepath.ToSlash(r))
	}
	sort.Strings(rel)
	want := []string{"facts/127.77.0.10.json", "facts/127.77.0.11.json", "facts/127.77.0.12.json", "facts/__1.json",
		"findings.csv", "findings.json", "report.html", "results.sarif"}
	if strings.Join(rel, " ") != strings.Join(want, " ") {
		t.Errorf("written = %v\nwant %v", rel, want)
	}
	b, err := os.ReadFile(filepath.Join(dir, "facts", "__1.json"))
	if err != nil || string(b) != string(run.FactsText["::1"]) || run.FactsFiles["::1"] != "facts/__1.json" {
		t.Errorf("facts file for ::1: %v", err)
	}

	if _, err := WriteAll(context.Background(), t.TempDir(), fixtureRun(), []string{"json", "pdf"}); err == nil ||
		!strings.Contains(err.Error(), "valid: sarif, html, json, csv") {
		t.Errorf("unknown format error = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := WriteAll(ctx, t.TempDir(), fixtureRun(), []string{"json"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled ctx: err = %v", err)
	}
	if _, err := WriteAll(context.Background(), dir, nil, nil); err == nil {
		t.Error("nil run gave no error")
	}
}
