//go:build !linux

package reports

import (
	"fmt"
	"os"
)

// flushFiles fsyncs each closed file (reopened: syncfs is Linux only).
func flushFiles(files []*os.File) error {
	for _, f := range files {
		g, err := os.OpenFile(f.Name(), os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("open %s: %w", f.Name(), err)
		}
		err = g.Sync()
		_ = g.Close()
		if err != nil {
			return fmt.Errorf("sync %s: %w", f.Name(), err)
		}
	}
	return nil
}
