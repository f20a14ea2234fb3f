package tempfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRemoveAllRemovesOnlyPending(t *testing.T) {
	dir := t.TempDir()
	kept, err := Create(dir, ".kept.tmp-*")
	if err != nil {
		t.Fatal(err)
	}
	kept.Close()
	final := filepath.Join(dir, "kept")
	if err := os.Rename(kept.Name(), final); err != nil {
		t.Fatal(err)
	}
	Done(kept.Name())
	left, err := Create(dir, ".left.tmp-*")
	if err != nil {
		t.Fatal(err)
	}
	left.Close()
	RemoveAll()
	if _, err := os.Stat(left.Name()); !os.IsNotExist(err) {
		t.Errorf("pending %s survived RemoveAll (%v)", left.Name(), err)
	}
	if _, err := os.Stat(final); err != nil {
		t.Errorf("the renamed file is gone: %v", err)
	}
}
