package pipeline

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/reports"
)

// scanOutput takes each device as the collector workers finish it and,
// once the sweep is over, completes the reports. Neither kind holds every
// device: a stream writes each one as it completes, a directory reads its
// devices back from the scan journal.
type scanOutput interface {
	// collected takes a finished device; the collector workers call it
	// concurrently.
	collected(doc *facts.Device)
	// finish writes what is left of the reports of the run scan describes.
	finish(ctx context.Context, scan facts.Scan) (*reports.Run, error)
	// abort drops the reports (the sweep failed); call it after the sweep.
	abort()
}

// reportBatch is how many devices a directory's reports read back from
// the journal and evaluate together.
const reportBatch = evalBatch

// liveBatch bounds how many devices that completed together are evaluated
// in one go on a stream: enough to use every core when a burst of hosts
// finishes, few enough that none waits long for its line.
const liveBatch = 16

// liveOutput streams a run to standard output (--out -) as devices
// complete: one goroutine evaluates whatever devices are waiting (a small
// batch), writes them through the reporter and flushes, so the reader sees
// each device while the sweep goes on. The order on the stream is the order
// of completion; devices evaluated in one batch come in address order.
type liveOutput struct {
	rep *reporter
	// scan is the scan block as known when the sweep starts; the rules read
	// only what is set by then (the UDP probes sent).
	scan facts.Scan
	in   chan *facts.Device
	done chan struct{}
	// err is the first failure to evaluate or write (read after done).
	err       error
	stopSweep context.CancelCauseFunc
}

// startLive starts the stream's reporter and its evaluating goroutine.
// Devices are evaluated under ctx without its cancellation: an interrupted
// sweep still writes every device it hands over (cut short ones marked
// incomplete) and then the closing summary. A failure to write stops the
// sweep through stopSweep: there is nowhere left to report to.
func startLive(ctx context.Context, cfg Config, prep *prepared, scan facts.Scan, stopSweep context.CancelCauseFunc) (*liveOutput, error) {
	rep, err := newReporter(cfg, prep)
	if err != nil {
		return nil, err
	}
	o := &liveOutput{rep: rep, scan: scan, in: make(chan *facts.Device, collectWorkers), done: make(chan struct{}), stopSweep: stopSweep}
	cfg.Log.Info("policy evaluation runs as devices complete", "evaluator", prep.policies.Evaluator())
	go o.run(context.WithoutCancel(ctx))
	return o, nil
}

func (o *liveOutput) collected(doc *facts.Device) {
	doc.Scan = &o.scan
	o.in <- doc
}

func (o *liveOutput) run(ctx context.Context) {
	defer close(o.done)
	for doc := range o.in {
		batch := o.take(doc)
		if o.err != nil {
			continue
		}
		if err := o.rep.add(ctx, o.scan, batch, nil); err != nil {
			o.err = err
			o.stopSweep(err)
		}
	}
}

// take is first and whatever other devices are already waiting, up to
// liveBatch.
func (o *liveOutput) take(first *facts.Device) []*facts.Device {
	batch := []*facts.Device{first}
	for len(batch) < liveBatch {
		select {
		case d, ok := <-o.in:
			if !ok {
				return batch
			}
			batch = append(batch, d)
		default:
			return batch
		}
	}
	return batch
}

// wait lets the goroutine evaluate what is left; it returns its error.
func (o *liveOutput) wait() error {
	close(o.in)
	<-o.done
	return o.err
}

func (o *liveOutput) finish(ctx context.Context, scan facts.Scan) (*reports.Run, error) {
	if err := o.wait(); err != nil {
		o.rep.abort()
		return nil, err
	}
	return o.rep.finish(ctx, scan)
}

func (o *liveOutput) abort() {
	_ = o.wait()
	o.rep.abort()
}

// journalOutput writes a run into a directory. Each finished device is
// recorded in the scan journal (its facts file on disk) and dropped; once
// the sweep is over, the devices are read back from the journal in address
// order, a batch at a time, evaluated and written, so memory does not grow
// with the fleet. Devices the journal does not hold (cut short by the
// interrupt, or finished after the journal could no longer be written) are
// kept in memory and merged in their place.
type journalOutput struct {
	cfg  Config
	prep *prepared
	j    *journal
	// scan is the scan block each facts file carries while the sweep runs;
	// the reports rewrite it with the finished one.
	scan facts.Scan
	once sync.Once
	// batch is how many devices are read back at a time (reportBatch;
	// tests make it small).
	batch int

	mu   sync.Mutex
	held []*facts.Device
}

func newJournalOutput(cfg Config, prep *prepared, j *journal, scan facts.Scan) *journalOutput {
	return &journalOutput{cfg: cfg, prep: prep, j: j, scan: scan, batch: reportBatch}
}

func (o *journalOutput) collected(doc *facts.Device) {
	doc.Scan = &o.scan
	err := o.j.record(doc)
	if err != nil {
		o.once.Do(func() {
			o.cfg.Log.Warn("checkpoint failed; this run cannot be resumed past this point", "address", doc.Address, "error", err)
		})
	}
	if err == nil && !doc.Incomplete && o.j != nil {
		return
	}
	o.mu.Lock()
	o.held = append(o.held, doc)
	o.mu.Unlock()
}

func (o *journalOutput) abort() {}

func (o *journalOutput) finish(ctx context.Context, scan facts.Scan) (*reports.Run, error) {
	rep, err := newReporter(o.cfg, o.prep)
	if err != nil {
		return nil, err
	}
	restoreGC := relaxGCWithin(scanReportMemoryLimit)
	defer restoreGC()
	var onDisk []string
	if o.j != nil {
		onDisk = o.j.finishedAddrs()
	}
	held := o.held
	slices.SortStableFunc(held, func(a, b *facts.Device) int { return facts.CompareAddress(a.Address, b.Address) })
	o.cfg.Log.Info("policy evaluation started", "devices", len(onDisk)+len(held), "evaluator", o.prep.policies.Evaluator())
	for len(onDisk) > 0 || len(held) > 0 {
		// The next o.batch devices in address order, from either list.
		var read []string
		var batch []*facts.Device
		for len(read)+len(batch) < o.batch && (len(onDisk) > 0 || len(held) > 0) {
			if len(held) > 0 && (len(onDisk) == 0 || facts.CompareAddress(held[0].Address, onDisk[0]) < 0) {
				batch, held = append(batch, held[0]), held[1:]
			} else {
				read, onDisk = append(read, onDisk[0]), onDisk[1:]
			}
		}
		docs, err := o.j.readFinished(read)
		if err != nil {
			rep.abort()
			return nil, fmt.Errorf("read back the finished devices: %w", err)
		}
		batch = append(batch, docs...)
		for _, d := range batch {
			d.Scan = &scan
		}
		if err := rep.add(ctx, scan, batch, nil); err != nil {
			rep.abort()
			return nil, err
		}
		if rep.stopped != nil {
			break
		}
	}
	return rep.finish(ctx, scan)
}
