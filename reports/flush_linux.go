package reports

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// flushFiles makes the data of the closed files durable with one syncfs of
// their file system instead of one fsync each.
func flushFiles(files []*os.File) error {
	if len(files) == 0 {
		return nil
	}
	d, err := os.Open(filepath.Dir(files[0].Name()))
	if err != nil {
		return fmt.Errorf("open facts directory: %w", err)
	}
	defer d.Close()
	if err := unix.Syncfs(int(d.Fd())); err != nil {
		return fmt.Errorf("sync facts files: %w", err)
	}
	return nil
}
