// Package metrics turns one mfpscan run into Prometheus metrics, written for
// node_exporter's textfile collector or pushed to a Pushgateway, so a
// monitoring system can alert on a scheduled sweep that failed, stopped
// finding devices or started finding more.
package metrics

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/policies"
)

// Run is what the metrics describe. Devices and Results are empty when the
// run stopped before evaluation (a usage or runtime error); the exit code
// then says why.
type Run struct {
	Site           string
	Start, End     time.Time
	AddressesSwept uint64
	Incomplete     bool
	Devices        []*facts.Device
	Results        []policies.Result
	ExitCode       int
}

// Job is the Pushgateway job name; the site is a grouping label, so each
// site's sweep keeps its own series.
const Job = "mfpscan"

// Registry builds a registry holding the run's metrics. With siteLabel every
// series carries the site; a push leaves it out, as the Pushgateway adds its
// grouping labels itself and refuses metrics that already carry them.
func Registry(r Run, siteLabel bool) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	var site prometheus.Labels
	if siteLabel {
		site = prometheus.Labels{"site": r.Site}
	}
	gauge := func(name, help string, v float64) {
		g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help, ConstLabels: site})
		g.Set(v)
		reg.MustRegister(g)
	}
	gauge("mfpscan_run_start_timestamp_seconds", "When the run started, Unix time.", unix(r.Start))
	gauge("mfpscan_run_end_timestamp_seconds", "When the run ended, Unix time.", unix(r.End))
	gauge("mfpscan_run_duration_seconds", "How long the run took.", r.End.Sub(r.Start).Seconds())
	gauge("mfpscan_run_incomplete", "1 when the run was interrupted and its results are partial.", b2f(r.Incomplete))
	gauge("mfpscan_exit_code", "The run's exit code: 0 ok, 1 findings at or above --fail-on, 2 usage error, 3 runtime failure, 4 interrupted.", float64(r.ExitCode))
	gauge("mfpscan_addresses_swept", "Addresses in the sweep after exclusions.", float64(r.AddressesSwept))
	gauge("mfpscan_devices_found", "Hosts that answered on an MFP port and were inspected.", float64(len(r.Devices)))

	printers := 0
	byVendor := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "mfpscan_devices_by_vendor", Help: "Inspected hosts by fingerprinted vendor (\"unknown\" when no source named one).", ConstLabels: site}, []string{"vendor"})
	collectorErrors := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "mfpscan_collector_errors", Help: "Collector outcomes that were errors or timeouts, by collector.", ConstLabels: site}, []string{"collector", "status"})
	for _, d := range r.Devices {
		if d.Identity.IsPrinter != nil && *d.Identity.IsPrinter {
			printers++
		}
		vendor := "unknown"
		if d.Identity.Vendor != nil && d.Identity.Vendor.Value != "" {
			vendor = d.Identity.Vendor.Value
		}
		byVendor.WithLabelValues(vendor).Inc()
		for name, cs := range d.Collectors {
			if cs.Status == facts.StatusError || cs.Status == facts.StatusTimeout {
				collectorErrors.WithLabelValues(name, string(cs.Status)).Inc()
			}
		}
	}
	gauge("mfpscan_printers_found", "Inspected hosts identified as printers or MFPs.", float64(printers))
	reg.MustRegister(byVendor, collectorErrors)

	results := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "mfpscan_results", Help: "Device x rule results by status and the rule's severity.", ConstLabels: site}, []string{"status", "severity"})
	// Every status and severity is present, at zero when absent, so an
	// alert on a series never fires on "no data" alone.
	for _, st := range policies.Statuses {
		for _, sev := range policies.Severities {
			results.WithLabelValues(string(st), sev)
		}
	}
	for _, res := range r.Results {
		results.WithLabelValues(string(res.Status), res.Severity).Inc()
	}
	reg.MustRegister(results)
	return reg
}

// WriteTextfile writes the metrics in the Prometheus text format, through a
// temporary file and a rename, so node_exporter never reads half a file.
func WriteTextfile(path string, r Run) error {
	if err := prometheus.WriteToTextfile(path, Registry(r, true)); err != nil {
		return fmt.Errorf("write metrics textfile %s: %w", path, err)
	}
	return nil
}

// Push replaces the site's metrics on the Pushgateway at url (PUT semantics:
// series of an earlier run that this one lacks disappear).
func Push(ctx context.Context, url string, client *http.Client, r Run) error {
	p := push.New(url, Job).Gatherer(Registry(r, false)).Grouping("site", r.Site)
	if client != nil {
		p = p.Client(client)
	}
	if err := p.PushContext(ctx); err != nil {
		return fmt.Errorf("push metrics to %s: %w", url, err)
	}
	return nil
}

func unix(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
