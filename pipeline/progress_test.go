package pipeline

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestProgressStates walks the bar through a run: sweeping (devices found),
// then inspecting, counting devices done even before the sweep ended; a
// quiet run or a nil progress draws and records nothing.
func TestProgressStates(t *testing.T) {
	var out bytes.Buffer
	p := newProgress(Config{Interactive: true, Progress: &out}, 256)
	p.update(10, 256, 3)
	p.collected(1)
	if p.found != 3 || p.collecting || p.done != 1 {
		t.Fatalf("while sweeping: found %d, collecting %v, done %d", p.found, p.collecting, p.done)
	}
	p.sweepDone(3)
	p.update(256, 256, 9) // a late sweep callback no longer changes the bar
	p.collected(2)
	if !p.collecting || p.found != 3 || p.done != 2 {
		t.Fatalf("while inspecting: found %d, collecting %v, done %d", p.found, p.collecting, p.done)
	}
	p.finish()
	if out.Len() == 0 {
		t.Error("an interactive run drew nothing")
	}

	quiet := newProgress(Config{}, 256)
	quiet.update(10, 256, 3)
	quiet.sweepDone(3)
	quiet.collected(2)
	quiet.finish()
	if quiet.found != 0 || quiet.collecting || quiet.done != 0 {
		t.Errorf("quiet run recorded state: %+v", quiet)
	}
	var none *progress
	none.update(1, 1, 1)
	none.sweepDone(1)
	none.collected(1)
	none.finish()
}

// The device bar shows what is being done and how far it is.
func TestDeviceBarDrawsCount(t *testing.T) {
	var buf bytes.Buffer
	DeviceBar(&buf, "writing")(3, 10)
	if out := buf.String(); !strings.Contains(out, "writing") || !strings.Contains(out, "3/10") {
		t.Fatalf("bar drew %q, want the description and 3/10", out)
	}
}

// eval on a terminal draws the bar; not on a terminal it draws nothing.
func TestEvalDrawsDeviceBarOnATerminal(t *testing.T) {
	in := t.TempDir()
	// Two batches: a bar filled at its first step is cleared at once.
	writeFacts(t, in, evalBatch+1, -1)
	for _, interactive := range []bool{true, false} {
		var buf bytes.Buffer
		cfg := evalConfig(t, t.TempDir())
		cfg.Progress, cfg.Interactive = &buf, interactive
		if err := Eval(context.Background(), cfg, []string{in}); err != nil {
			t.Fatal(err)
		}
		if drew := strings.Contains(buf.String(), "evaluating"); drew != interactive {
			t.Errorf("interactive %v: progress output %q", interactive, buf.String())
		}
	}
}
