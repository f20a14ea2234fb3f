// Command collectprof runs what `mfpscan scan` runs (pipeline.Scan with the
// CLI's defaults) under the CPU profiler, and splits the wall time into
// sweep + collection (until the last host was collected) and evaluation +
// reports (the rest). It exists to find out where the collection benchmark
// (bench/collect/run.sh) spends its time; run it against bench/cmd/benchlab inside
// the same kind of namespace:
//
//	collectprof -subnet 127.90.0.0/23 -out DIR -cpuprofile cpu.out
//	go tool pprof -top bin/collectprof cpu.out
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/mfpscan/mfpscan/bench/internal/cli"
	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/pipeline"
	"github.com/mfpscan/mfpscan/scanner"
)

func main() { os.Exit(cli.Main("collectprof", run)) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	def := scanner.DefaultSweepConfig()
	fs := cli.Flags("collectprof", stderr)
	subnet := fs.String("subnet", "127.90.0.0/23", "target (loopback lab subnet)")
	ports := fs.String("ports", "21,80,443,631,8000,8443", "TCP ports")
	out := fs.String("out", "", "report directory (required)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile here")
	perHost := fs.Int("per-host", def.PerHost, "probes in flight per host, as mfpscan --per-host")
	hostDeadline := fs.Duration("host-timeout", def.HostDeadline, "as mfpscan --host-timeout")
	timeout := fs.Duration("timeout", def.Timeout, "as mfpscan --timeout")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("parse flags: -out is required")
	}
	portList, err := pipeline.ParsePorts(*ports)
	if err != nil {
		return fmt.Errorf("parse ports: %w", err)
	}
	timer := &collectTimer{}
	cfg := pipeline.Config{
		Targets: []string{*subnet}, MaxHosts: 65536, Engine: "native",
		Ports: portList, Roles: collectors.DefaultRoles(),
		Rate: def.Rate, Timeout: *timeout, HostDeadline: *hostDeadline,
		Concurrency: def.Concurrency, PerHost: *perHost,
		Collect: collectors.Options{Timeout: *timeout},
		OutDir:  *out, Formats: []string{"json"}, Site: "default", // no FailOn: never fail on findings
		Log:      slog.New(timer),
		Progress: io.Discard, Stdout: io.Discard, Now: time.Now,
	}
	stopProfile, err := cli.CPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	start := time.Now()
	timer.start = start
	scanErr := pipeline.Scan(ctx, cfg)
	total := time.Since(start)
	hosts, last := timer.result()
	fmt.Fprintf(stdout, "hosts collected %d; sweep+collection %.1f s; evaluation+reports %.1f s; total %.1f s\n",
		hosts, last.Seconds(), (total - last).Seconds(), total.Seconds())
	if scanErr != nil {
		return fmt.Errorf("scan: %w", scanErr)
	}
	return nil
}

// collectTimer is a slog handler that notes when the pipeline's last
// "collected" debug record arrived; everything else is dropped.
type collectTimer struct {
	start time.Time
	mu    sync.Mutex
	hosts int
	last  time.Duration
}

func (c *collectTimer) Enabled(context.Context, slog.Level) bool { return true }

func (c *collectTimer) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "collected" {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hosts++
	c.last = max(c.last, time.Since(c.start))
	return nil
}

func (c *collectTimer) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *collectTimer) WithGroup(string) slog.Handler      { return c }

func (c *collectTimer) result() (int, time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hosts, c.last
}
