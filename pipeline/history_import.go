package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mfpscan/mfpscan/history"
	"github.com/mfpscan/mfpscan/reports"
)

// ImportHistory records existing report directories (findings.json plus
// facts/) in the store, oldest first as given, each read device by device.
// Each directory is one run of site; a directory that fails its check
// (reports.OpenRun) stops the import before anything of it is recorded,
// and one changed while it is being read leaves its run unfinished.
func ImportHistory(ctx context.Context, cfg Config, dirs []string) (int, error) {
	s, err := history.Open(ctx, cfg.History)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	n := 0
	for _, dir := range dirs {
		src, err := reports.OpenRun(ctx, dir)
		if err != nil {
			return n, Usagef("import %s: %v", dir, err)
		}
		head := src.Head()
		head.Site = cfg.Site
		c := cfg
		c.OutDir = dir
		c.Progress = nil
		h := &historyRun{store: s, catalogue: catalogueVersion(head.Rules)}
		err = h.record(ctx, c, head, src.Devices(ctx))
		src.Close()
		if err != nil {
			return n, fmt.Errorf("import %s: %w", dir, err)
		}
		if h.err == nil {
			sarif, err := os.Open(filepath.Join(dir, (&reports.SARIFWriter{}).Filename()))
			if err == nil {
				err = s.SetBaseline(ctx, h.id, sarif)
				sarif.Close()
				if err != nil {
					return n, fmt.Errorf("import %s: %w", dir, err)
				}
			}
		}
		if h.err != nil {
			return n, fmt.Errorf("import %s: %w", dir, h.err)
		}
		n++
	}
	return n, nil
}
