package reports

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/inputfile"
	"github.com/mfpscan/mfpscan/internal/parallel"
	"github.com/mfpscan/mfpscan/policies"
)

const (
	// maxFindingsStream bounds a findings.json read as a stream: it is
	// never held whole, so the cap only keeps a wrong path (a disk image)
	// from being read for hours. 100,000 demo devices write about 1.7 GB.
	maxFindingsStream = 16 << 30
	// maxSourceFacts bounds the facts files of one run read back; the
	// index of a run costs about 150 bytes per device.
	maxSourceFacts = 1 << 20
)

// RunSource is a finished report directory opened to be written again
// (report --from, merge) without holding it in memory. OpenRun reads it
// once to check it whole and index its devices; Devices then reads it a
// second time, device by device in address order, loading each facts file
// only when its device is written. A broken input is thus refused before
// anything is written, while memory holds one device and the index.
type RunSource struct {
	dir      string
	findings *os.File // held open: a findings.json replaced meanwhile is harmless
	size     int64
	header   *Findings // Results left out
	// grouped says the results come device by device in address order, as
	// mfpscan writes them; otherwise Devices sorts them in memory.
	grouped bool
	devices []sourceDevice // in address order
	seed    maphash.Seed
	// findingsSum is a digest of findings.json as checked, compared with
	// the bytes read again.
	findingsSum uint64
}

// sourceDevice is one device of a RunSource: its facts file as checked by
// OpenRun ("" for results without a document) and whether it has results.
type sourceDevice struct {
	address    string
	factsPath  string
	factsSum   uint64
	hasResults bool
}

// OpenRun checks the report directory dir (findings.json and facts/*.json)
// and indexes its devices. Facts files of devices findings.json has no
// results for are left out when findings.json counts fewer devices than
// the directory and the results name: they are an earlier run's devices,
// gone since, in a reused --out directory. The caller closes the source.
func OpenRun(ctx context.Context, dir string) (*RunSource, error) {
	path := filepath.Join(dir, JSONWriter{}.Filename())
	fh, err := inputfile.Open(path)
	if err != nil {
		return nil, badInput("read %v", err)
	}
	src := &RunSource{dir: dir, findings: fh, grouped: true, seed: maphash.MakeSeed()}
	if err := src.index(ctx, path); err != nil {
		fh.Close()
		return nil, err
	}
	return src, nil
}

// Close releases findings.json.
func (s *RunSource) Close() error { return s.findings.Close() }

// Summary is findings.json's summary.
func (s *RunSource) Summary() Summary { return s.header.Summary }

// Head is the run without its devices and results: what the writers need
// before the first device.
func (s *RunSource) Head() *Run {
	return &Run{
		Scan:              s.header.Scan,
		Rules:             s.header.Rules,
		ExpiredWaivers:    s.header.ExpiredWaivers,
		CompiledFallbacks: s.header.Summary.CompiledFallbacks,
	}
}

// Addresses yields the devices' addresses in the order Devices gives them.
func (s *RunSource) Addresses() iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := range s.devices {
			if !yield(s.devices[i].address) {
				return
			}
		}
	}
}

// Len is the number of devices Devices yields.
func (s *RunSource) Len() int { return len(s.devices) }

// WithFacts is the number of devices that have a facts file.
func (s *RunSource) WithFacts() int {
	n := 0
	for i := range s.devices {
		if s.devices[i].factsPath != "" {
			n++
		}
	}
	return n
}

// MissingFacts returns the first device with results but no facts file.
func (s *RunSource) MissingFacts() (string, bool) {
	for i := range s.devices {
		if s.devices[i].factsPath == "" {
			return s.devices[i].address, true
		}
	}
	return "", false
}

func (s *RunSource) index(ctx context.Context, path string) error {
	info, err := s.findings.Stat()
	if err != nil {
		return badInput("read findings %s: %v", path, err)
	}
	if err := inputfile.CheckInfo(path, info, maxFindingsStream); err != nil {
		return badInput("read %v", err)
	}
	s.size = info.Size()
	// findings.json is walked while the facts files are read: the two are
	// independent, and the walk is one goroutine's work.
	// Whichever fails first stops the other.
	var docs []sourceDevice
	var factsErr error
	both, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if docs, factsErr = s.indexFacts(both); factsErr != nil {
			cancel()
		}
	}()
	withResults, err := s.walkIndex(both, path)
	if err != nil {
		cancel()
	}
	<-done
	// The walk stopped by a facts failure reports that failure.
	stoppedByFacts := errors.Is(err, context.Canceled) && ctx.Err() == nil
	switch {
	case factsErr != nil && (err == nil || stoppedByFacts):
		return factsErr
	case err != nil:
		return err
	}
	s.devices = joinDevices(docs, withResults, s.header.Summary.Devices)
	return nil
}

// walkIndex checks findings.json and returns the addresses it has results
// for, sorted.
func (s *RunSource) walkIndex(ctx context.Context, path string) ([]string, error) {
	var withResults []string
	prev := ""
	var err error
	h := maphash.Hash{}
	h.SetSeed(s.seed)
	s.header, err = walkFindings(ctx, io.TeeReader(io.NewSectionReader(s.findings, 0, s.size), &h), func(i int, r *policies.Result) error {
		if i > 0 && r.Address == prev {
			return nil
		}
		if i > 0 && facts.CompareAddress(prev, r.Address) > 0 {
			s.grouped = false
		}
		withResults = append(withResults, r.Address)
		prev = r.Address
		return nil
	})
	if err != nil {
		var stop *walkStop
		if errors.As(err, &stop) {
			return nil, stop.err
		}
		return nil, badInput("read findings %s: %w", path, err)
	}
	s.findingsSum = h.Sum64()
	if len(withResults) > maxSourceFacts {
		return nil, badInput("read findings %s: results for more than %d devices", path, maxSourceFacts)
	}
	// Grouped results come in strictly increasing address order, so the
	// list is sorted and unique already; results split over two places are
	// not, and are sorted here. Writing them means holding them all, which
	// only a findings.json small enough to be read whole may ask for.
	if !s.grouped && s.size > maxFindingsFile {
		return nil, badInput("read findings %s: results not grouped by device in address order, as mfpscan writes them; a findings.json over %d MiB must be", path, maxFindingsFile>>20)
	}
	if !s.grouped {
		slices.SortFunc(withResults, facts.CompareAddress)
		withResults = slices.Compact(withResults)
	}
	return withResults, nil
}

// indexFacts reads and checks every facts file of the run, in parallel,
// keeping only each file's address and a digest of its bytes.
func (s *RunSource) indexFacts(ctx context.Context) ([]sourceDevice, error) {
	dir := filepath.Join(s.dir, "facts")
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, badInput("read facts directory: %v", err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".json") {
			names = append(names, e.Name())
		}
	}
	if len(names) > maxSourceFacts {
		return nil, badInput("read facts directory %s: more than %d files", dir, maxSourceFacts)
	}
	slices.Sort(names)
	docs := make([]sourceDevice, len(names))
	err = parallel.Each(len(names), func(i int) error {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("read facts: %w", err)
		}
		path := filepath.Join(dir, names[i])
		d, _, raw, err := readFactsFile(path)
		if err != nil {
			return err
		}
		docs[i] = sourceDevice{address: d.Address, factsPath: path, factsSum: maphash.Bytes(s.seed, raw)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Sorted by address, and by name within one: a duplicate is named
	// against the file a one-by-one read in name order would have kept.
	slices.SortStableFunc(docs, func(a, b sourceDevice) int { return facts.CompareAddress(a.address, b.address) })
	for i := 1; i < len(docs); i++ {
		if docs[i].address == docs[i-1].address {
			return nil, badInput("read facts %s: device %s already read from %s", docs[i].factsPath, docs[i].address, filepath.Base(docs[i-1].factsPath))
		}
	}
	return docs, nil
}

// joinDevices lists the run's devices in address order: the facts files,
// and the addresses with results but no facts file. Facts files without
// results are kept only when findings.json counts every device listed:
// otherwise they are an earlier run's. Both inputs are sorted by address.
func joinDevices(docs []sourceDevice, withResults []string, counted int) []sourceDevice {
	out := make([]sourceDevice, 0, max(len(docs), len(withResults)))
	i, j := 0, 0
	for i < len(docs) || j < len(withResults) {
		var c int
		switch {
		case i == len(docs):
			c = 1
		case j == len(withResults):
			c = -1
		default:
			c = facts.CompareAddress(docs[i].address, withResults[j])
		}
		switch {
		case c < 0:
			out = append(out, docs[i])
			i++
		case c > 0:
			out = append(out, sourceDevice{address: withResults[j], hasResults: true})
			j++
		default:
			d := docs[i]
			d.hasResults = true
			out = append(out, d)
			i, j = i+1, j+1
		}
	}
	if len(out) != counted {
		out = slices.DeleteFunc(out, func(d sourceDevice) bool { return !d.hasResults })
	}
	return out
}

// ReadFactsFile reads one facts document as eval and report --from take
// it: a regular file (a FIFO would hang the run) under facts.MaxFileBytes,
// valid against the schema, and small enough once re-encoded that the facts
// file written for it reads back (a compact document can grow several-fold
// when indented). It returns the document and that re-encoded text;
// failures are usage errors naming the file.
func ReadFactsFile(path string) (*facts.Device, []byte, error) {
	d, text, _, err := readFactsFile(path)
	return d, text, err
}

// readFactsFile is ReadFactsFile also returning the bytes read.
func readFactsFile(path string) (d *facts.Device, text, raw []byte, err error) {
	if raw, err = readCapped(path, maxFactsFileSize); err != nil {
		return nil, nil, nil, err
	}
	if err := facts.Validate(raw); err != nil {
		return nil, nil, nil, badInput("%s: %v", path, err)
	}
	if d, err = facts.DecodeDevice(raw); err != nil {
		return nil, nil, nil, badInput("%s: %v", path, err)
	}
	if text, err = EncodeFacts(d); err != nil {
		return nil, nil, nil, badInput("%s: rewritten, this document would not read back: %v", path, err)
	}
	return d, text, raw, nil
}
