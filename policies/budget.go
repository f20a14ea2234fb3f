package policies

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"

	"github.com/mfpscan/mfpscan/facts"
)

// Evaluation limits. A custom rule can loop for long (a slow regex over
// every element) or build huge values (a 3-million-element comprehension
// took 2.9 GB): each device gets a time budget, and the process a memory
// budget, so one rule cannot hang or exhaust a scheduled scan. A rule that
// runs over gives review for the device, with the reason.
const (
	// DefaultDeviceBudget bounds the evaluation of one device, and of one
	// rule when a device's rules are run one by one to find the slow one.
	// The built-in catalogue takes about a millisecond per device.
	DefaultDeviceBudget = 10 * time.Second
	// DefaultMemoryBudget bounds the Go heap while devices are evaluated.
	DefaultMemoryBudget = 2 << 30
)

var (
	errTimeBudget   = errors.New("time budget exceeded")
	errMemoryBudget = errors.New("memory budget exceeded")
)

// ErrIncomplete is returned by EvaluateAll, with the results decided so far,
// when its context ended before every device was evaluated.
var ErrIncomplete = errors.New("evaluation incomplete")

// budgetContext bounds one evaluation by the engine's time budget.
func (e *Engine) budgetContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if e.budget <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeoutCause(ctx, e.budget, errTimeBudget)
}

// stopCause says why ctx, the caller's context for a device, ended, or nil
// when it has not: an interrupt (context.Canceled) or the memory budget.
func stopCause(ctx context.Context) error {
	if ctx.Err() == nil {
		return nil
	}
	return context.Cause(ctx)
}

// EvaluateAll evaluates many devices with up to workers goroutines (0 means
// one per CPU) and returns every result sorted by address, then rule id.
//
// A device whose evaluation the memory budget stopped gets review for every
// rule, with the reason, and the others go on. When ctx ends (an
// interrupt), EvaluateAll stops, and returns the results decided so far,
// review for the rules of every device not decided, and an error wrapping
// ErrIncomplete and ctx's error. Any other error stops the batch and is
// returned alone.
func (e *Engine) EvaluateAll(ctx context.Context, docs []*facts.Device, workers int) ([]Result, error) {
	return e.EvaluateAllEncoded(ctx, docs, nil, workers)
}

// EvaluateAllEncoded is EvaluateAll given, in encoded[i] when not nil, the
// JSON encoding of docs[i] (json.Marshal's, indented or not), which the
// compiled evaluator then reads instead of encoding the document again.
// encoded may be nil.
func (e *Engine) EvaluateAllEncoded(ctx context.Context, docs []*facts.Device, encoded [][]byte, workers int) ([]Result, error) {
	if encoded != nil && len(encoded) != len(docs) {
		return nil, fmt.Errorf("evaluate: %d documents, %d encodings", len(docs), len(encoded))
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, max(len(docs), 1))
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	watch := e.watchMemory(ctx)
	defer watch.stop()

	per := make([][]Result, len(docs))
	jobs := make(chan int)
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				dctx, done := watch.device(ctx)
				var enc []byte
				if encoded != nil {
					enc = encoded[i]
				}
				res, err := e.evaluateDevice(dctx, docs[i], enc)
				done()
				switch {
				case err == nil:
					per[i] = res
				case ctx.Err() != nil:
					// Interrupted: this device stays undecided.
				case errors.Is(err, errMemoryBudget):
					per[i] = e.undecided(docs[i], fmt.Sprintf("evaluation of this device was stopped: the process went over its memory budget of %d MiB", e.memBudget>>20))
				default:
					once.Do(func() { firstErr = err; cancel(err) })
				}
			}
		}()
	}
feed:
	for i := range docs {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	var all []Result
	stopped := 0
	for i, r := range per {
		if r == nil && ctx.Err() != nil {
			stopped++
			r = e.undecided(docs[i], "policy evaluation was interrupted before this device was decided")
		}
		all = append(all, r...)
	}
	SortResults(all)
	if stopped > 0 {
		return all, fmt.Errorf("evaluate devices: %w: %d of %d device(s) not decided: %w", ErrIncomplete, stopped, len(docs), context.Cause(ctx))
	}
	return all, nil
}

// undecided gives review, with reason, for every enabled rule of dev.
func (e *Engine) undecided(dev *facts.Device, reason string) []Result {
	key := keyOf(dev)
	out := make([]Result, 0, len(e.enabled))
	for _, ent := range e.enabled {
		out = append(out, Result{RuleID: ent.rule.ID, Address: key.Address, DeviceID: key.DeviceID,
			Severity: ent.rule.Severity, Status: StatusReview, Reasons: []string{reason}})
	}
	return out
}

// memoryWatch stops the device evaluations in flight when the heap goes
// over the engine's memory budget; those devices get review, the memory
// they held is freed, and the batch goes on.
type memoryWatch struct {
	mu       sync.Mutex
	inflight map[int]context.CancelCauseFunc
	next     int
	quit     chan struct{}
	done     chan struct{}
	restore  func()
}

// memoryPoll is how often the heap is read: often enough that a runaway
// comprehension is stopped within a few hundred megabytes of the budget.
const memoryPoll = 10 * time.Millisecond

func (e *Engine) watchMemory(ctx context.Context) *memoryWatch {
	w := &memoryWatch{inflight: map[int]context.CancelCauseFunc{}, quit: make(chan struct{}), done: make(chan struct{}), restore: func() {}}
	if e.memBudget <= 0 {
		close(w.done)
		return w
	}
	// The budget is also the garbage collector's soft limit, so it works
	// harder before the watch has to stop anything.
	prev := debug.SetMemoryLimit(int64(e.memBudget))
	w.restore = func() { debug.SetMemoryLimit(prev) }
	// Live bytes as of the last collection: garbage (plenty between
	// collections when GOGC is raised, see RelaxGC) does not count. The
	// soft limit makes collections frequent as the heap nears the budget,
	// so the figure is fresh there; the watch acts at three quarters of the
	// budget, before the collector starts to thrash, or when the heap
	// itself passes the budget.
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
	liveMax := e.memBudget / 4 * 3
	go func() {
		defer close(w.done)
		t := time.NewTicker(memoryPoll)
		defer t.Stop()
		for {
			select {
			case <-w.quit:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			metrics.Read(sample)
			if over(sample[0], liveMax) || over(sample[1], e.memBudget) {
				w.stopAll()
			}
		}
	}()
	return w
}

func over(s metrics.Sample, limit uint64) bool {
	return s.Value.Kind() == metrics.KindUint64 && s.Value.Uint64() > limit
}

// device registers one device's evaluation; done unregisters it.
func (w *memoryWatch) device(ctx context.Context) (context.Context, func()) {
	dctx, cancel := context.WithCancelCause(ctx)
	w.mu.Lock()
	id := w.next
	w.next++
	w.inflight[id] = cancel
	w.mu.Unlock()
	return dctx, func() {
		w.mu.Lock()
		delete(w.inflight, id)
		w.mu.Unlock()
		cancel(nil)
	}
}

func (w *memoryWatch) stopAll() {
	w.mu.Lock()
	for id, cancel := range w.inflight {
		cancel(errMemoryBudget)
		delete(w.inflight, id)
	}
	w.mu.Unlock()
	runtime.GC()
}

func (w *memoryWatch) stop() {
	select {
	case <-w.done:
	default:
		close(w.quit)
		<-w.done
	}
	w.restore()
}
