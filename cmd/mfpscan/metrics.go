package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/spf13/pflag"

	"github.com/mfpscan/mfpscan/internal/cliconfig"
	"github.com/mfpscan/mfpscan/pipeline"
	"github.com/mfpscan/mfpscan/reports"
	"github.com/mfpscan/mfpscan/reports/metrics"
)

// pushTimeout bounds the push at the end of a run: an unreachable gateway
// must not hold a cron job for long.
const pushTimeout = 30 * time.Second

// metricsFlags are --metrics-textfile and --pushgateway. The metrics are
// written after the command ends, whatever its outcome, so a sweep that
// failed is as visible to monitoring as one that found devices.
type metricsFlags struct {
	textfile    string
	pushgateway string

	start time.Time
	site  string
	run   *reports.Run
	swept uint64
}

func (m *metricsFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&m.textfile, "metrics-textfile", "", "write run metrics in the Prometheus text format to this file (for node_exporter's textfile collector; written atomically)")
	fs.StringVar(&m.pushgateway, "pushgateway", "", "push run metrics to this Prometheus Pushgateway URL (job \"mfpscan\", grouped by --site)")
	// user:password@ in the URL is the gateway's basic auth.
	cliconfig.Secret(fs, "pushgateway")
}

// attach checks the flags before anything is sent and hooks the pipeline so
// the evaluated run is kept for the metrics.
func (m *metricsFlags) attach(cfg *pipeline.Config) error {
	m.start = time.Now()
	m.site = cfg.Site
	if m.pushgateway != "" {
		u, err := url.Parse(m.pushgateway)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return pipeline.Usagef("--pushgateway %q must be an http:// or https:// URL", m.pushgateway)
		}
	}
	if m.textfile == "" && m.pushgateway == "" {
		return nil
	}
	cfg.Observe = func(run *reports.Run, swept uint64) {
		m.run, m.swept = run, swept
	}
	return nil
}

// finish writes and pushes the metrics of the run that ended with err, and
// returns err unchanged: a monitoring failure is reported on stderr but does
// not hide the run's own exit code.
func (m *metricsFlags) finish(ctx context.Context, stderr io.Writer, err error) error {
	if m.textfile == "" && m.pushgateway == "" {
		return err
	}
	r := metrics.Run{Site: m.site, Start: m.start, End: time.Now(), ExitCode: exitCode(err), AddressesSwept: m.swept}
	if m.run != nil {
		r.Devices, r.Results, r.Incomplete = m.run.Devices, m.run.Results, m.run.Scan.Incomplete
	}
	if m.textfile != "" {
		if werr := metrics.WriteTextfile(m.textfile, r); werr != nil {
			fmt.Fprintln(stderr, "mfpscan: warning:", werr)
		}
	}
	if m.pushgateway != "" {
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), pushTimeout)
		defer cancel()
		if perr := metrics.Push(pctx, m.pushgateway, nil, r); perr != nil {
			fmt.Fprintln(stderr, "mfpscan: warning:", perr)
		}
	}
	return err
}
