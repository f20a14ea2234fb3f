package reports

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/tempfile"
	"github.com/mfpscan/mfpscan/policies"
)

// Streamer writes a run's facts files and reports device by device, in
// memory bounded by one device's data plus the writers' small state:
//
//   - each facts file is written to a temporary name as its device
//     arrives; every factsBatch files, one flush (syncfs) makes them
//     durable;
//   - each report is written to a temporary file (bodies that follow a
//     header known only at the end go to unlinked spool files);
//   - Finish renames the facts files into place, syncs the directory, and
//     then completes and renames each report: no report names a facts file
//     that is not in place, and a reader never sees half a file.
//
// A run that fails (bad input met half way) is dropped by Abort: nothing
// it wrote replaces an earlier run's files.
type Streamer struct {
	dir     string
	totals  *Totals
	reports []*streamReport
	// facts files written to temporary names, renamed by Finish
	pending []pendingFile
	unsync  []*os.File
}

type streamReport struct {
	w    Writer
	dw   DeviceWriter
	tmp  *os.File // nil when writing to a caller's stream (stdout)
	buf  *bufio.Writer
	path string
}

// NewStreamer starts the reports of ws in dir, head carrying what is known
// before the first device (rules, site, expired waivers). With dir "" no
// facts files are written and every writer writes to stdout: only formats
// made for a stream (StreamsToStdout) are accepted then.
func NewStreamer(dir string, ws []Writer, head *Run, stdout io.Writer) (*Streamer, error) {
	s := &Streamer{dir: dir, totals: NewTotals()}
	if dir != "" {
		if err := os.MkdirAll(filepath.Join(dir, "facts"), 0o755); err != nil {
			return nil, fmt.Errorf("create output directory: %w", err)
		}
	}
	for _, w := range ws {
		sw, ok := w.(StreamWriter)
		if !ok {
			s.Abort()
			return nil, fmt.Errorf("write %s report: format cannot be streamed", w.Name())
		}
		rep := &streamReport{w: w}
		var out io.Writer
		if dir == "" {
			if !StreamsToStdout(w.Name()) {
				s.Abort()
				return nil, fmt.Errorf("write %s report: needs an output directory", w.Name())
			}
			rep.buf = bufio.NewWriter(stdout)
			out = rep.buf
		} else {
			rep.path = filepath.Join(dir, w.Filename())
			f, err := tempfile.Create(dir, "."+w.Filename()+".tmp-*")
			if err != nil {
				s.Abort()
				return nil, fmt.Errorf("create temp file for %s: %w", rep.path, err)
			}
			rep.tmp, rep.buf = f, bufio.NewWriterSize(f, 256<<10)
			out = rep.buf
		}
		s.reports = append(s.reports, rep)
		spool := MemorySpools
		if dir != "" {
			spool = FileSpools(dir)
		}
		dw, err := sw.Begin(out, spool, head)
		if err != nil {
			s.Abort()
			return nil, fmt.Errorf("write %s report: %w", w.Name(), err)
		}
		rep.dw = dw
	}
	return s, nil
}

// Totals are the counts of the devices added so far.
func (s *Streamer) Totals() *Totals { return s.totals }

// Add writes one device: its facts file (text as made by EncodeFacts, or
// nil to encode it here) and its results, sorted by rule ID, to every
// report.
func (s *Streamer) Add(d *facts.Device, text []byte, results []policies.Result) error {
	dr := &DeviceResult{Address: d.Address, Device: d, Results: results, FactsFile: FactsFileName(d.Address)}
	if s.dir != "" {
		if text == nil {
			var err error
			if text, err = EncodeFacts(d); err != nil {
				return err
			}
		}
		if err := s.writeFacts(dr.FactsFile, text); err != nil {
			return err
		}
		dr.FactsText = text
	}
	return s.add(dr)
}

func (s *Streamer) add(dr *DeviceResult) error {
	s.totals.Add(dr)
	for _, rep := range s.reports {
		if err := rep.dw.Device(dr); err != nil {
			return fmt.Errorf("write %s report: %w", rep.w.Name(), err)
		}
		if rep.tmp == nil {
			// A stream's reader sees each device as it completes.
			if err := rep.buf.Flush(); err != nil {
				return fmt.Errorf("write %s report: %w", rep.w.Name(), err)
			}
		}
	}
	return nil
}

func (s *Streamer) writeFacts(rel string, text []byte) error {
	path := filepath.Join(s.dir, filepath.FromSlash(rel))
	f, err := writeFactsTemp(path, text)
	if err != nil {
		return err
	}
	s.pending = append(s.pending, pendingFile{tmp: f.Name(), path: path})
	s.unsync = append(s.unsync, f)
	if len(s.unsync) >= factsBatch {
		return s.flushFacts()
	}
	return nil
}

func (s *Streamer) flushFacts() error {
	if err := flushFiles(s.unsync); err != nil {
		return err
	}
	s.unsync = s.unsync[:0]
	return nil
}

// Finish puts the facts files in place and completes every report; r is the
// finished run (scan times, exit code, trends), its Totals set from the
// devices added. It returns the paths written.
func (s *Streamer) Finish(ctx context.Context, r *Run) ([]string, error) {
	r.Totals = s.totals
	var written []string
	if s.dir != "" {
		if err := s.flushFacts(); err != nil {
			s.Abort()
			return nil, err
		}
		for i, p := range s.pending {
			if err := tempfile.Rename(p.tmp, p.path); err != nil {
				s.pending = s.pending[i:]
				s.Abort()
				return written, fmt.Errorf("rename %s: %w", p.path, err)
			}
			written = append(written, p.path)
		}
		s.pending = nil
		factsDir := filepath.Join(s.dir, "facts")
		if err := syncDir(factsDir); err != nil {
			s.Abort()
			return written, fmt.Errorf("sync %s: %w", factsDir, err)
		}
	}
	for i, rep := range s.reports {
		if err := ctx.Err(); err != nil {
			s.reports = s.reports[i:]
			s.Abort()
			return written, fmt.Errorf("write %s report: %w", rep.w.Name(), err)
		}
		if err := rep.finish(r); err != nil {
			s.reports = s.reports[i:]
			s.Abort()
			return written, fmt.Errorf("write %s report: %w", rep.w.Name(), err)
		}
		if rep.path != "" {
			written = append(written, rep.path)
		}
	}
	s.reports = nil
	return written, nil
}

func (rep *streamReport) finish(r *Run) error {
	if err := rep.dw.End(r); err != nil {
		return err
	}
	if err := rep.buf.Flush(); err != nil {
		return err
	}
	if rep.tmp == nil {
		return nil
	}
	f := rep.tmp
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("chmod %s: %w", rep.path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", rep.path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", rep.path, err)
	}
	rep.tmp = nil
	if err := tempfile.Rename(f.Name(), rep.path); err != nil {
		tempfile.Remove(f.Name())
		return fmt.Errorf("rename %s: %w", rep.path, err)
	}
	return nil
}

// Abort removes every temporary file: reports not finished and facts
// files not yet renamed. Files already in place stay.
func (s *Streamer) Abort() {
	for _, rep := range s.reports {
		if rep.dw != nil {
			rep.dw.Close()
		}
		if rep.tmp != nil {
			rep.tmp.Close()
			tempfile.Remove(rep.tmp.Name())
		}
	}
	s.reports = nil
	for _, p := range s.pending {
		tempfile.Remove(p.tmp)
	}
	s.pending = nil
}

// writeRun writes a run held in memory through a Streamer and records the
// facts files written in run.FactsFiles and run.FactsText.
func writeRun(ctx context.Context, dir string, run *Run, ws []Writer) ([]string, error) {
	if run == nil {
		return nil, errors.New("write reports: nil run")
	}
	if run.FactsFiles == nil {
		run.FactsFiles = map[string]string{}
	}
	if run.FactsText == nil {
		run.FactsText = map[string][]byte{}
	}
	devices := func(yield func(*DeviceResult, error) bool) {
		for _, dr := range DeviceResults(run) {
			if !yield(dr, nil) {
				return
			}
		}
	}
	_, written, err := WriteStream(ctx, dir, run, ws, devices, func(dr *DeviceResult) error {
		if dr.Device != nil {
			run.FactsFiles[dr.Address], run.FactsText[dr.Address] = dr.FactsFile, dr.FactsText
		}
		return nil
	})
	return written, err
}

// WriteStream writes devices, given in address order, and their facts
// files into dir through a Streamer: a run read back device by device
// (report --from, merge) is written in the memory of one device. A
// device's facts file is its FactsText when set, else its document
// encoded. after, when not nil, sees each device once written, its
// FactsFile and FactsText set. WriteStream returns the finished run (head
// with the totals counted) and the paths written; on any error nothing
// written replaces an earlier file.
func WriteStream(ctx context.Context, dir string, head *Run, ws []Writer, devices iter.Seq2[*DeviceResult, error], after func(*DeviceResult) error) (*Run, []string, error) {
	s, err := NewStreamer(dir, ws, head, nil)
	if err != nil {
		return nil, nil, err
	}
	for dr, err := range devices {
		if err == nil {
			err = ctx.Err()
		}
		if err == nil {
			err = s.writeDevice(dr)
		}
		if err == nil && after != nil {
			err = after(dr)
		}
		if err != nil {
			s.Abort()
			return nil, nil, fmt.Errorf("write reports: %w", err)
		}
	}
	end := *head
	end.Totals = nil
	written, err := s.Finish(ctx, &end)
	return &end, written, err
}

// writeDevice writes a device's facts file (when it has a document) and
// adds it to every report.
func (s *Streamer) writeDevice(dr *DeviceResult) error {
	if dr.Device != nil {
		dr.FactsFile = FactsFileName(dr.Address)
		if dr.FactsText == nil {
			text, err := EncodeFacts(dr.Device)
			if err != nil {
				return err
			}
			dr.FactsText = text
		}
		if err := s.writeFacts(dr.FactsFile, dr.FactsText); err != nil {
			return err
		}
	}
	return s.add(dr)
}
