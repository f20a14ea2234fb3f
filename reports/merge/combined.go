package merge

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/mfpscan/mfpscan/reports"
)

// sarifPart is one site's run of the combined SARIF log, written beside
// the site's own reports into an unlinked spool: the same log as the
// site's results.sarif, but with facts locations relative to the merge
// output.
type sarifPart struct {
	spool  reports.Spool
	dw     reports.DeviceWriter
	prefix string
}

func newSARIFPart(outDir, prefix string, head *reports.Run, opts reports.SARIFOptions) (*sarifPart, error) {
	spools := reports.FileSpools(outDir)
	spool, err := spools()
	if err != nil {
		return nil, err
	}
	dw, err := (&reports.SARIFWriter{Options: opts}).Begin(spool, spools, head)
	if err != nil {
		spool.Close()
		return nil, err
	}
	return &sarifPart{spool: spool, dw: dw, prefix: prefix}, nil
}

func (p *sarifPart) device(dr *reports.DeviceResult) error {
	view := *dr
	view.FactsFile = p.prefix + dr.FactsFile
	return p.dw.Device(&view)
}

func (p *sarifPart) end(r *reports.Run) error {
	err := p.dw.End(r)
	p.dw = nil
	return err
}

func (p *sarifPart) close() {
	if p.dw != nil {
		p.dw.Close()
	}
	p.spool.Close()
}

// writeCombinedSARIF writes one log holding each site's run. Each part is
// a whole log with one run, indented as the combined log indents its runs,
// so the combined log is the first part's opening, every part's run joined
// by commas, and the closing: the bytes json.MarshalIndent gives for the
// runs decoded and encoded again (the SARIF writer already escapes <, >
// and & as encoding/json does), without holding any run in memory.
func writeCombinedSARIF(path string, parts []*sarifPart) error {
	err := reports.WriteFileAtomic(path, func(w io.Writer) error {
		for i, p := range parts {
			x := &runExtractor{w: w, first: i == 0}
			if i > 0 {
				if _, err := io.WriteString(w, ",\n"); err != nil {
					return err
				}
			}
			if err := p.spool.CopyTo(x); err != nil {
				return err
			}
			if err := x.finish(); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, sarifClosing)
		return err
	})
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	return nil
}

const (
	// sarifRunsOpen ends a log's opening; its one run follows.
	sarifRunsOpen = "\n  \"runs\": [\n"
	// sarifClosing follows a log's last run.
	sarifClosing = "\n  ]\n}\n"
)

// runExtractor passes on the run of a one-run SARIF log written into it:
// the opening up to the runs array is dropped (or passed on for the first
// run) and the closing held back and checked.
type runExtractor struct {
	w       io.Writer
	first   bool
	opening []byte // until the runs array opens
	inRun   bool
	held    []byte // the tail not yet passed on
}

// maxSARIFOpening bounds the bytes before the runs array: $schema and
// version only.
const maxSARIFOpening = 4 << 10

func (x *runExtractor) Write(p []byte) (int, error) {
	n := len(p)
	if !x.inRun {
		x.opening = append(x.opening, p...)
		i := bytes.Index(x.opening, []byte(sarifRunsOpen))
		if i < 0 {
			if len(x.opening) > maxSARIFOpening {
				return 0, errors.New("combine SARIF: a site's log does not open its runs array where expected")
			}
			return n, nil
		}
		x.inRun = true
		end := i + len(sarifRunsOpen)
		if x.first {
			if err := x.emit(x.opening[:end]); err != nil {
				return 0, err
			}
		}
		p = x.opening[end:]
		x.opening = nil
	}
	x.held = append(x.held, p...)
	// Keep back what may be the closing.
	cut := len(x.held) - len(sarifClosing)
	if cut <= 0 {
		return n, nil
	}
	if err := x.emit(x.held[:cut]); err != nil {
		return 0, err
	}
	x.held = append(x.held[:0], x.held[cut:]...)
	return n, nil
}

// finish checks the log ended with the closing of its one run.
func (x *runExtractor) finish() error {
	if !x.inRun || !bytes.HasSuffix(x.held, []byte(sarifClosing)) {
		return errors.New("combine SARIF: a site's log does not end as a one-run log does")
	}
	return x.emit(x.held[:len(x.held)-len(sarifClosing)])
}

func (x *runExtractor) emit(b []byte) error {
	_, err := x.w.Write(b)
	return err
}
