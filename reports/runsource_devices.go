package reports

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"iter"
	"path/filepath"
	"slices"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/policies"
)

// The second read of a RunSource: its devices, one by one.

// Devices reads the run again, yielding each device in address order with
// its document, the text of its facts file, and its results sorted by rule
// ID. A facts file or findings.json changed since OpenRun checked it ends
// the sequence with an error.
//
// The devices are read, decoded and their facts files encoded on another
// goroutine, a few ahead of the caller, so one core reads the run while
// the other writes the reports.
func (s *RunSource) Devices(ctx context.Context) iter.Seq2[*DeviceResult, error] {
	return readAhead(s.devicesInOrder(ctx), readAheadDevices)
}

// readAheadDevices is how many devices a source reads ahead of its writer:
// enough to keep both busy, few enough that a merge of many shards holds
// little (a demo device read is about 100 KB).
const readAheadDevices = 8

// readAhead runs seq on its own goroutine, at most depth items ahead of
// the caller. The goroutine is stopped and waited for when the caller
// stops early.
func readAhead[T any](seq iter.Seq2[T, error], depth int) iter.Seq2[T, error] {
	type item struct {
		v   T
		err error
	}
	return func(yield func(T, error) bool) {
		ch := make(chan item, depth)
		stop := make(chan struct{})
		go func() {
			defer close(ch)
			for v, err := range seq {
				select {
				case ch <- item{v, err}:
				case <-stop:
					return
				}
				if err != nil {
					return
				}
			}
		}()
		defer func() {
			close(stop)
			for range ch {
			}
		}()
		for it := range ch {
			if !yield(it.v, it.err) {
				return
			}
		}
	}
}

func (s *RunSource) devicesInOrder(ctx context.Context) iter.Seq2[*DeviceResult, error] {
	return func(yield func(*DeviceResult, error) bool) {
		next := 0
		stopped := false
		emit := func(results []policies.Result) error {
			addr := ""
			if len(results) > 0 {
				addr = results[0].Address
			}
			for next < len(s.devices) {
				d := &s.devices[next]
				if len(results) > 0 && d.address == addr {
					break
				}
				if d.hasResults {
					return s.changed()
				}
				if err := s.yieldDevice(d, nil, yield, &stopped); err != nil {
					return err
				}
				next++
			}
			if len(results) == 0 {
				return nil
			}
			if next == len(s.devices) {
				return s.changed()
			}
			next++
			return s.yieldDevice(&s.devices[next-1], results, yield, &stopped)
		}
		err := s.eachGroup(ctx, emit)
		if err == nil {
			err = emit(nil)
		}
		if err != nil && !stopped {
			yield(nil, err)
		}
	}
}

var errStopped = errors.New("stopped by the caller")

func (s *RunSource) yieldDevice(d *sourceDevice, results []policies.Result, yield func(*DeviceResult, error) bool, stopped *bool) error {
	dr := &DeviceResult{Address: d.address, Results: results, FactsFile: FactsFileName(d.address)}
	if d.factsPath != "" {
		raw, err := readCapped(d.factsPath, maxFactsFileSize)
		if err != nil {
			return err
		}
		if maphash.Bytes(s.seed, raw) != d.factsSum {
			return badInput("read facts %s: changed while the run was being read", d.factsPath)
		}
		if dr.Device, err = facts.DecodeDevice(raw); err != nil {
			return badInput("read facts %s: %w", d.factsPath, err)
		}
		if dr.FactsText, err = EncodeFacts(dr.Device); err != nil {
			return fmt.Errorf("read facts %s: %w", d.factsPath, err)
		}
	}
	if !yield(dr, nil) {
		*stopped = true
		return errStopped
	}
	return nil
}

func (s *RunSource) changed() error {
	return badInput("read findings %s: changed while the run was being read", filepath.Join(s.dir, JSONWriter{}.Filename()))
}

// eachGroup reads findings.json's results again and hands them to emit one
// device at a time, in address order, each device's sorted by rule ID.
func (s *RunSource) eachGroup(ctx context.Context, emit func([]policies.Result) error) error {
	byRule := func(a, b policies.Result) int { return cmp.Compare(a.RuleID, b.RuleID) }
	var group, all []policies.Result
	h := maphash.Hash{}
	h.SetSeed(s.seed)
	_, err := walkFindings(ctx, io.TeeReader(io.NewSectionReader(s.findings, 0, s.size), &h), func(_ int, r *policies.Result) error {
		if !s.grouped {
			all = append(all, *r)
			return nil
		}
		if len(group) > 0 && group[0].Address != r.Address {
			slices.SortStableFunc(group, byRule)
			if err := emit(group); err != nil {
				return err
			}
			group = nil
		}
		group = append(group, *r)
		return nil
	})
	if err != nil {
		var stop *walkStop
		if errors.As(err, &stop) {
			return stop.err
		}
		return badInput("read findings %s again: %w", filepath.Join(s.dir, JSONWriter{}.Filename()), err)
	}
	// A findings.json changed in place since it was checked ends the
	// sequence with an error before its last device, so the writer
	// abandons the run and renames nothing into place.
	if h.Sum64() != s.findingsSum {
		return s.changed()
	}
	if !s.grouped {
		group = nil
		for _, r := range sortedResults(all) {
			if len(group) > 0 && group[0].Address != r.Address {
				if err := emit(group); err != nil {
					return err
				}
				group = nil
			}
			group = append(group, r)
		}
	}
	if len(group) > 0 {
		slices.SortStableFunc(group, byRule)
		return emit(group)
	}
	return nil
}
