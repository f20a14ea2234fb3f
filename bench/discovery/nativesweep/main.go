// Command nativesweep runs the native discovery engine directly with
// scanner.DefaultSweepConfig (the port table's defaults, only the TCP ports
// replaced when -ports is given) and prints what
// it finds in the format of `mfpscan discover --json`. The benchmark uses it
// to tell the engine's own defaults apart from the CLI's flag defaults.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/mfpscan/mfpscan/bench/internal/cli"
	"github.com/mfpscan/mfpscan/pipeline"
	"github.com/mfpscan/mfpscan/scanner"
)

type line struct {
	Address  string `json:"address"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
	State    string `json:"state"`
	Service  string `json:"service"`
}

func main() { os.Exit(cli.Main("nativesweep", run)) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, targetArgs, err := parseArgs(args, stderr)
	if err != nil {
		return err
	}
	targets, err := scanner.ParseTargetsContext(ctx, targetArgs, nil, scanner.TargetOptions{AllowLarge: true})
	if err != nil {
		return fmt.Errorf("parse targets: %w", err)
	}
	enc := json.NewEncoder(stdout)
	var wErr error
	err = scanner.NewNative().Sweep(ctx, targets, cfg, func(h scanner.HostResult) {
		for _, p := range h.Ports {
			if p.State == "open" && wErr == nil {
				wErr = enc.Encode(line{Address: h.Addr.String(), Port: p.Port, Protocol: p.Protocol, State: p.State, Service: p.Service})
			}
		}
	})
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	if wErr != nil {
		return fmt.Errorf("write results: %w", wErr)
	}
	return nil
}

// parseArgs reads the flags: without -ports and the tuning flags, the sweep
// is scanner.DefaultSweepConfig, the port table's default set and probes.
func parseArgs(args []string, stderr io.Writer) (scanner.SweepConfig, []string, error) {
	fs := cli.Flags("nativesweep", stderr)
	ports := fs.String("ports", "", "comma-separated TCP ports (default: the scanner's default set)")
	// Overrides for tuning experiments; the benchmark itself sets none.
	cfg := scanner.DefaultSweepConfig()
	fs.DurationVar(&cfg.Timeout, "timeout", cfg.Timeout, "probe timeout")
	fs.DurationVar(&cfg.MinTimeout, "min-timeout", cfg.MinTimeout, "floor of the adaptive probe timeout (negative: no adaptation)")
	fs.IntVar(&cfg.Retries, "retries", cfg.Retries, "retries of a timed-out probe (negative: none)")
	fs.IntVar(&cfg.PerHost, "per-host", cfg.PerHost, "probes in flight per host")
	fs.IntVar(&cfg.Concurrency, "concurrency", cfg.Concurrency, "probes in flight")
	fs.Float64Var(&cfg.Rate, "rate", cfg.Rate, "probes per second (negative: unlimited)")
	noUDP := fs.Bool("no-udp", false, "skip the UDP probes (SNMP, SLP, WS-Discovery)")
	if err := cli.Parse(fs, args); err != nil {
		return cfg, nil, err
	}
	if fs.NArg() == 0 {
		return cfg, nil, errors.New("parse flags: usage: nativesweep [-ports P,P] [tuning flags] TARGET [TARGET]")
	}
	if *noUDP {
		cfg.UDPProbes = nil
	}
	if *ports != "" {
		list, err := pipeline.ParsePorts(*ports)
		if err != nil {
			return cfg, nil, err
		}
		cfg.TCPPorts = list
	}
	return cfg, fs.Args(), nil
}
