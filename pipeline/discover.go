package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/mfpscan/mfpscan/scanner"
)

// discovered is one line of `discover --json`.
type discovered struct {
	Address  string `json:"address"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
	State    string `json:"state"`
	Service  string `json:"service"`
}

// Discover runs the sweep only and prints what answered, as a table or as
// one JSON object per line.
func Discover(ctx context.Context, cfg Config, asJSON bool) error {
	targets, err := runTargets(ctx, cfg)
	if err != nil {
		return err
	}
	engine, err := newEngine(cfg)
	if err != nil {
		return err
	}
	var (
		mu    sync.Mutex
		enc   = json.NewEncoder(cfg.Stdout)
		hosts int
		wErr  error
	)
	progress := newProgress(cfg, targets.Count())
	sweepErr := engine.Sweep(ctx, targets, sweepConfig(cfg, progress), func(h scanner.HostResult) {
		mu.Lock()
		defer mu.Unlock()
		hosts++
		for _, p := range h.Ports {
			if p.State != "open" || wErr != nil {
				continue
			}
			if asJSON {
				wErr = enc.Encode(discovered{Address: h.Addr.String(), Port: p.Port, Protocol: p.Protocol, State: p.State, Service: p.Service})
			} else {
				_, wErr = fmt.Fprintf(cfg.Stdout, "%-40s %5d/%-3s %-6s %s\n", h.Addr, p.Port, p.Protocol, p.State, p.Service)
			}
		}
	})
	progress.finish()
	if wErr != nil {
		return fmt.Errorf("write results: %w", wErr)
	}
	if sweepErr != nil {
		if errors.Is(sweepErr, context.Canceled) {
			return fmt.Errorf("%w: discovery stopped early after %d host(s)", ErrInterrupted, hosts)
		}
		return fmt.Errorf("sweep: %w", sweepErr)
	}
	cfg.Log.Info("discovery finished", "hosts", hosts, "addresses", targets.Count())
	return nil
}
