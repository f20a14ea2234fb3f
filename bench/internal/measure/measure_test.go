package measure

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestRunRecordsFailureAndOutput(t *testing.T) {
	var out bytes.Buffer
	// A failing tool is recorded, not an error: the comparison shows it.
	r, err := Run(context.Background(), []string{"sh", "-c", "echo hi; exit 7"}, &out, &out, time.Minute)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if r.ExitCode != 7 || r.WallSeconds <= 0 || r.MaxRSSKB <= 0 || r.TimedOut {
		t.Errorf("result = %+v, want exit 7, positive wall and RSS", r)
	}
	if out.String() != "hi\n" {
		t.Errorf("stdout = %q", out.String())
	}
}

func TestRunTimesOut(t *testing.T) {
	r, err := Run(context.Background(), []string{"sh", "-c", "exec sleep 5"}, nil, nil, 50*time.Millisecond)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !r.TimedOut || r.ExitCode != -1 || r.WallSeconds > 4 {
		t.Errorf("result = %+v, want timed out early", r)
	}
}

func TestRunMissingCommand(t *testing.T) {
	if _, err := Run(context.Background(), []string{filepath.Join(t.TempDir(), "no-such-tool")}, nil, nil, time.Minute); err == nil {
		t.Error("missing command: no error")
	}
	if _, err := Run(context.Background(), nil, nil, nil, time.Minute); err == nil {
		t.Error("empty command: no error")
	}
}

func TestWriteRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	want := Result{Command: []string{"x"}, WallSeconds: 1.5, MaxRSSKB: 2048, ExitCode: 3}
	if err := Write(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := Read(path)
	if err != nil || got.WallSeconds != 1.5 || got.RSSMB() != 2 || got.ExitCode != 3 || got.Command[0] != "x" {
		t.Errorf("Read = %+v, %v; want %+v", got, err, want)
	}
	if err := os.WriteFile(path, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(path); err == nil {
		t.Error("broken result: no error")
	}
}
