package reports

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/policies"
)

// DeviceResult is one device as it flows from evaluation to the writers:
// its document, its results sorted by rule ID, and its facts file.
type DeviceResult struct {
	Address string
	// Device is nil for results whose document is not known (a re-render of
	// findings without their facts file).
	Device  *facts.Device
	Results []policies.Result
	// FactsFile is the facts file's path relative to the output directory,
	// FactsText its bytes (nil when not written), for SARIF locations.
	FactsFile string
	FactsText []byte
}

// StreamWriter is a Writer that can also write device by device, holding
// only what its format needs at the end (counts, the rule index), so a
// fleet of any size is written in bounded memory.
type StreamWriter interface {
	Writer
	// Begin starts the report on out. head carries what is known before
	// the first device: the rules, the site, the expired waivers. Bodies
	// that must come after a header known only at the end are kept in
	// spools made by newSpool.
	Begin(out io.Writer, newSpool SpoolFunc, head *Run) (DeviceWriter, error)
}

// DeviceWriter receives the devices of one report in address order.
type DeviceWriter interface {
	Device(dr *DeviceResult) error
	// End completes the report; r is the finished run, its Totals set.
	End(r *Run) error
	// Close releases the spools of a report given up before its End.
	Close()
}

// Spool holds part of a report until it can be copied into place.
type Spool interface {
	io.Writer
	// CopyTo writes everything written so far to w.
	CopyTo(w io.Writer) error
	Close() error
}

// SpoolFunc makes a new, empty spool.
type SpoolFunc func() (Spool, error)

// memSpool keeps a spool in memory, for whole runs already in memory.
type memSpool struct{ bytes.Buffer }

func (m *memSpool) CopyTo(w io.Writer) error { _, err := w.Write(m.Bytes()); return err }
func (m *memSpool) Close() error             { return nil }

// MemorySpools keeps spools in memory.
func MemorySpools() (Spool, error) { return &memSpool{}, nil }

// fileSpool keeps a spool in an unlinked temporary file, so a crash leaves
// nothing behind and the memory held stays one buffer.
type fileSpool struct {
	f *os.File
	w *bufio.Writer
}

// FileSpools returns a SpoolFunc making spools in dir.
func FileSpools(dir string) SpoolFunc {
	return func() (Spool, error) {
		f, err := os.CreateTemp(dir, ".mfpscan-spool-*")
		if err != nil {
			return nil, fmt.Errorf("create spool: %w", err)
		}
		// Unlinked at once: the open descriptor is all that needs it.
		if err := os.Remove(f.Name()); err != nil {
			f.Close()
			return nil, fmt.Errorf("create spool: %w", err)
		}
		return &fileSpool{f: f, w: bufio.NewWriterSize(f, 256<<10)}, nil
	}
}

func (s *fileSpool) Write(p []byte) (int, error) { return s.w.Write(p) }

func (s *fileSpool) CopyTo(w io.Writer) error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	if _, err := io.Copy(w, s.f); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	return nil
}

func (s *fileSpool) Close() error { return s.f.Close() }

// writeWhole writes a run held in memory through the streaming path, so
// both paths give the same bytes.
func writeWhole(sw StreamWriter, w io.Writer, r *Run) error {
	dw, err := sw.Begin(w, MemorySpools, r)
	if err != nil {
		return err
	}
	t := NewTotals()
	for _, dr := range DeviceResults(r) {
		t.Add(dr)
		if err := dw.Device(dr); err != nil {
			return err
		}
	}
	end := *r
	if end.Totals == nil {
		end.Totals = t
	}
	return dw.End(&end)
}

// DeviceResults groups a run held in memory by device, in address order:
// every device, and every address that has results but no document.
func DeviceResults(r *Run) []*DeviceResult {
	byAddr := map[string]*DeviceResult{}
	var out []*DeviceResult
	get := func(addr string) *DeviceResult {
		dr := byAddr[addr]
		if dr == nil {
			uri := r.FactsFiles[addr]
			if uri == "" {
				uri = FactsFileName(addr)
			}
			dr = &DeviceResult{Address: addr, FactsFile: uri, FactsText: r.FactsText[addr]}
			byAddr[addr] = dr
			out = append(out, dr)
		}
		return dr
	}
	for _, d := range r.Devices {
		if d != nil {
			get(d.Address).Device = d
		}
	}
	for _, res := range sortedResults(r.Results) {
		dr := get(res.Address)
		dr.Results = append(dr.Results, res)
	}
	sort.SliceStable(out, func(i, j int) bool { return facts.CompareAddress(out[i].Address, out[j].Address) < 0 })
	return out
}

// closeSpools closes spools, ignoring errors: they hold nothing to keep.
func closeSpools(sp ...Spool) {
	for _, s := range sp {
		s.Close()
	}
}

// spools opens n spools, closing those already open on failure.
func spools(newSpool SpoolFunc, n int) ([]Spool, error) {
	out := make([]Spool, 0, n)
	for range n {
		s, err := newSpool()
		if err != nil {
			for _, o := range out {
				o.Close()
			}
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// spliceJSON writes skeleton, a JSON document indented by encoding/json,
// with the empty array after marker (e.g. `\n  "results": []`) replaced by
// the elements in body, each already indented for that place and joined
// by commas; n is how many there are. The bytes equal those of encoding
// the whole document at once.
func spliceJSON(w io.Writer, skeleton []byte, marker string, body Spool, n int, indent string) error {
	i := bytes.Index(skeleton, []byte(marker))
	if i < 0 {
		return fmt.Errorf("splice json: %q not in the document", marker)
	}
	if _, err := w.Write(skeleton[:i]); err != nil {
		return err
	}
	if n == 0 {
		_, err := w.Write(skeleton[i:])
		return err
	}
	if _, err := io.WriteString(w, marker[:len(marker)-1]); err != nil {
		return err
	}
	if err := body.CopyTo(w); err != nil {
		return err
	}
	if _, err := io.WriteString(w, "\n"+indent+"]"); err != nil {
		return err
	}
	_, err := w.Write(skeleton[i+len(marker):])
	return err
}

// elementWriter writes array elements indented for their place in a
// document, separated by commas.
type elementWriter struct {
	prefix  string
	n       int
	buf     []byte
	compact []byte
}

func (e *elementWriter) write(w io.Writer, v any) error {
	var err error
	if e.compact, err = appendCompact(e.compact[:0], v); err != nil {
		return err
	}
	e.buf = e.buf[:0]
	if e.n > 0 {
		e.buf = append(e.buf, ',')
	}
	e.buf = append(e.buf, '\n')
	e.buf = append(e.buf, e.prefix...)
	e.buf = appendIndented(e.buf, e.compact, e.prefix, "  ")
	e.n++
	_, err = w.Write(e.buf)
	return err
}
