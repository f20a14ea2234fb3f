package metrics

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"google.golang.org/protobuf/proto"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/policies"
)

// gateway is a Pushgateway-compatible receiver: it accepts PUT and POST on
// /metrics/job/<job>/<label>/<value>..., decodes the body in whatever
// exposition format the client sent, adds the grouping labels to every
// series, and serves everything on GET /metrics in the text format, as the
// Pushgateway does.
type gateway struct {
	mu     sync.Mutex
	groups map[string][]*dto.MetricFamily
	puts   int
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/metrics":
		g.mu.Lock()
		defer g.mu.Unlock()
		w.Header().Set("Content-Type", string(expfmt.NewFormat(expfmt.TypeTextPlain)))
		for _, fams := range g.groups {
			for _, mf := range fams {
				if _, err := expfmt.MetricFamilyToText(w, mf); err != nil {
					return
				}
			}
		}
	case (r.Method == http.MethodPut || r.Method == http.MethodPost) && strings.HasPrefix(r.URL.Path, "/metrics/job/"):
		parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/metrics/"), "/")
		if len(parts)%2 != 0 {
			http.Error(w, "odd grouping path", http.StatusBadRequest)
			return
		}
		var labels []*dto.LabelPair
		for i := 0; i < len(parts); i += 2 {
			labels = append(labels, &dto.LabelPair{Name: proto.String(parts[i]), Value: proto.String(parts[i+1])})
		}
		dec := expfmt.NewDecoder(r.Body, expfmt.ResponseFormat(r.Header))
		var fams []*dto.MetricFamily
		for {
			mf := &dto.MetricFamily{}
			if err := dec.Decode(mf); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			for _, m := range mf.Metric {
				for _, l := range labels {
					for _, have := range m.Label {
						if have.GetName() == l.GetName() {
							http.Error(w, "metric carries grouping label "+l.GetName(), http.StatusBadRequest)
							return
						}
					}
				}
				m.Label = append(m.Label, labels...)
			}
			fams = append(fams, mf)
		}
		g.mu.Lock()
		g.groups[r.URL.Path] = fams // PUT and POST both replace here: one push per group
		g.puts++
		g.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	default:
		http.Error(w, "not found", http.StatusNotFound)
	}
}

func sampleRun() Run {
	yes, no := true, false
	start := time.Date(2026, 11, 30, 3, 15, 0, 0, time.UTC)
	return Run{
		Site:           "hq",
		Start:          start,
		End:            start.Add(90 * time.Second),
		AddressesSwept: 256,
		ExitCode:       1,
		Devices: []*facts.Device{
			{Address: "10.0.0.5", Identity: facts.Identity{IsPrinter: &yes, Vendor: &facts.Attribute{Value: "Canon"}},
				Collectors: map[string]facts.CollectorStatus{"snmp": {Status: facts.StatusTimeout}, "tls": {Status: facts.StatusOK}}},
			{Address: "10.0.0.6", Identity: facts.Identity{IsPrinter: &yes, Vendor: &facts.Attribute{Value: "Canon"}},
				Collectors: map[string]facts.CollectorStatus{"http": {Status: facts.StatusError, Reason: "reset"}}},
			{Address: "10.0.0.7", Identity: facts.Identity{IsPrinter: &no}},
		},
		Results: []policies.Result{
			{RuleID: "MFP-TLS-001", Status: policies.StatusFail, Severity: "high"},
			{RuleID: "MFP-TLS-002", Status: policies.StatusFail, Severity: "high"},
			{RuleID: "MFP-SNMP-001", Status: policies.StatusReview, Severity: "critical"},
			{RuleID: "MFP-RUI-001", Status: policies.StatusPass, Severity: "medium"},
		},
	}
}

// value finds the series of name whose labels include want.
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	t.Helper()
	mf, ok := fams[name]
	if !ok {
		t.Fatalf("metric %s missing", name)
	}
next:
	for _, m := range mf.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if have[k] != v {
				continue next
			}
		}
		return m.GetGauge().GetValue()
	}
	t.Fatalf("no series %s%v", name, want)
	return 0
}

func checkSample(t *testing.T, fams map[string]*dto.MetricFamily, site map[string]string) {
	t.Helper()
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range site {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"mfpscan_run_start_timestamp_seconds", with(), 1796008500},
		{"mfpscan_run_end_timestamp_seconds", with(), 1796008590},
		{"mfpscan_run_duration_seconds", with(), 90},
		{"mfpscan_addresses_swept", with(), 256},
		{"mfpscan_devices_found", with(), 3},
		{"mfpscan_printers_found", with(), 2},
		{"mfpscan_devices_by_vendor", with("vendor", "Canon"), 2},
		{"mfpscan_devices_by_vendor", with("vendor", "unknown"), 1},
		{"mfpscan_results", with("status", "fail", "severity", "high"), 2},
		{"mfpscan_results", with("status", "review", "severity", "critical"), 1},
		{"mfpscan_results", with("status", "pass", "severity", "medium"), 1},
		{"mfpscan_results", with("status", "fail", "severity", "critical"), 0},
		{"mfpscan_exit_code", with(), 1},
		{"mfpscan_collector_errors", with("collector", "snmp", "status", "timeout"), 1},
		{"mfpscan_collector_errors", with("collector", "http", "status", "error"), 1},
		{"mfpscan_run_incomplete", with(), 0},
	}
	for _, c := range checks {
		if got := value(t, fams, c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
}

func parseText(t *testing.T, r io.Reader) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(r)
	if err != nil {
		t.Fatalf("parse text format: %v", err)
	}
	return fams
}

// TestPushRoundTrip pushes a run to a Pushgateway-compatible receiver on
// loopback and reads the metrics back from its /metrics endpoint.
func TestPushRoundTrip(t *testing.T) {
	gw := &gateway{groups: map[string][]*dto.MetricFamily{}}
	srv := httptest.NewServer(gw) // 127.0.0.1, an ephemeral port
	defer srv.Close()

	if err := Push(context.Background(), srv.URL, srv.Client(), sampleRun()); err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	fams := parseText(t, resp.Body)
	checkSample(t, fams, map[string]string{"job": Job, "site": "hq"})
	if gw.puts != 1 {
		t.Errorf("receiver saw %d pushes, want 1", gw.puts)
	}
}

func TestPushFailureIsReported(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	err := Push(context.Background(), srv.URL, srv.Client(), sampleRun())
	if err == nil || !strings.Contains(err.Error(), "push metrics") {
		t.Fatalf("push to a 404 = %v, want an error", err)
	}
}

// TestWriteTextfile writes the node_exporter textfile and parses it back; an
// existing file is replaced whole, never appended to.
func TestWriteTextfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mfpscan.prom")
	if err := os.WriteFile(path, []byte("stale_metric 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteTextfile(path, sampleRun()); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fams := parseText(t, f)
	if _, ok := fams["stale_metric"]; ok {
		t.Error("the old file's metrics survived the write")
	}
	checkSample(t, fams, map[string]string{"site": "hq"})
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("textfile mode %v, want 0644 so node_exporter can read it", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left beside the textfile: %v", entries)
	}
}

func TestWriteTextfileBadDir(t *testing.T) {
	err := WriteTextfile(filepath.Join(t.TempDir(), "missing", "m.prom"), sampleRun())
	if err == nil || !strings.Contains(err.Error(), "write metrics textfile") {
		t.Fatalf("write into a missing dir = %v, want an error", err)
	}
}
