package jsonfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.json")
	if err := Write(path, map[string]int{"a": 1}); err != nil {
		t.Fatal(err)
	}
	var got map[string]int
	if err := Read(path, 100, &got); err != nil || got["a"] != 1 {
		t.Errorf("Read = %v, %v", got, err)
	}
	if err := Read(path, 5, &got); err == nil || !strings.Contains(err.Error(), "larger than 5 bytes") {
		t.Errorf("capped read: err = %v", err)
	}
	if err := os.WriteFile(path, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Read(path, 100, &got); err == nil {
		t.Error("broken JSON: no error")
	}
	if err := Read(filepath.Join(t.TempDir(), "none"), 100, &got); err == nil {
		t.Error("missing file: no error")
	}
}
