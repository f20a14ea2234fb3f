package pipeline

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress shows addresses done / total, rate, ETA and devices found on a
// terminal; elsewhere (or with --quiet) it stays silent.
type progress struct {
	mu    sync.Mutex
	bar   *progressbar.ProgressBar
	found int
	// collecting is set once the sweep ended and the bar counts the
	// devices still being inspected.
	collecting bool
	done       int
}

func newProgress(cfg Config, total uint64) *progress {
	p := &progress{}
	if !cfg.Interactive || cfg.Progress == nil {
		return p
	}
	p.bar = progressbar.NewOptions64(int64(total),
		progressbar.OptionSetWriter(cfg.Progress),
		progressbar.OptionSetDescription("sweeping"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("addr"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetWidth(30),
	)
	return p
}

// update is the scanner's progress callback; it may be called from many
// goroutines.
func (p *progress) update(done, _ uint64, found int) {
	p.locked(func() {
		if p.collecting {
			return
		}
		if found != p.found {
			p.found = found
			p.bar.Describe(fmt.Sprintf("sweeping, %d found", found))
		}
		_ = p.bar.Set64(int64(done))
	})
}

// locked runs f holding the lock, when there is a bar to draw (progress is
// off for a nil *progress or a quiet run).
func (p *progress) locked(f func()) {
	if p == nil || p.bar == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	f()
}

// sweepDone switches the bar to counting inspected devices, out of the
// hosts the sweep found.
func (p *progress) sweepDone(hosts int) {
	p.locked(func() {
		p.collecting = true
		_ = p.bar.Finish()
		p.bar.ChangeMax(hosts)
		p.bar.Reset()
		p.bar.Describe("inspecting devices")
		_ = p.bar.Set(p.done)
	})
}

// collected records that n devices have been inspected.
func (p *progress) collected(n int) {
	p.locked(func() {
		p.done = n
		if p.collecting {
			_ = p.bar.Set(n)
		}
	})
}

func (p *progress) finish() {
	p.locked(func() { _ = p.bar.Finish() })
}

// DeviceBar returns a progress callback drawing "what done/total devices"
// with rate and time left on w, a terminal: eval, report --from and merge
// spend minutes on a large fleet writing device after device, which
// without it shows nothing until the end. The bar is made at the first
// call, when the total is known, and cleared when done reaches it.
func DeviceBar(w io.Writer, what string) func(done, total int) {
	var bar *progressbar.ProgressBar
	return func(done, total int) {
		if bar == nil {
			bar = progressbar.NewOptions(total,
				progressbar.OptionSetWriter(w),
				progressbar.OptionSetDescription(what),
				progressbar.OptionShowCount(),
				progressbar.OptionShowIts(),
				progressbar.OptionSetItsString("device"),
				progressbar.OptionSetPredictTime(true),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionClearOnFinish(),
				progressbar.OptionSetWidth(30),
			)
		}
		_ = bar.Set(done)
	}
}

// deviceBar is DeviceBar for cfg's terminal; nil (no bar) elsewhere or
// with --quiet.
func deviceBar(cfg Config, what string) func(done, total int) {
	if !cfg.Interactive || cfg.Progress == nil {
		return nil
	}
	return DeviceBar(cfg.Progress, what)
}
