package collectors

import (
	"testing"
	"time"
)

// TestOneCollectorTimeout: an engine built without a timeout, an Env without
// one and the dialer all use DefaultTimeout.
func TestOneCollectorTimeout(t *testing.T) {
	e := NewEngine(Options{}, nil, nil, nil)
	env := &Env{}
	if e.opts.Timeout != DefaultTimeout || env.Timeout() != DefaultTimeout {
		t.Errorf("engine default timeout %v, Env default %v, DefaultTimeout %v", e.opts.Timeout, env.Timeout(), DefaultTimeout)
	}
	if d := e.Dialer.(*hostDialer).dialer.Timeout; d != DefaultTimeout {
		t.Errorf("dialer connect timeout %v, want DefaultTimeout %v", d, DefaultTimeout)
	}
	set := NewEngine(Options{Timeout: 1500 * time.Millisecond}, nil, nil, nil)
	if got := (&Env{Options: set.opts}).Timeout(); got != 1500*time.Millisecond {
		t.Errorf("Env of an engine with a 1.5s timeout bounds an exchange by %v", got)
	}
}
