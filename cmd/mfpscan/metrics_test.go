package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// readProm parses a textfile into name{labels} → value, labels sorted as the
// text format writes them.
func readProm(t *testing.T, path string) map[string]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("metrics textfile: %v", err)
	}
	defer f.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(f)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	out := map[string]float64{}
	for name, mf := range fams {
		for _, m := range mf.Metric {
			var ls []string
			for _, l := range m.Label {
				if l.GetName() != "site" {
					ls = append(ls, l.GetName()+"="+l.GetValue())
				}
			}
			out[name+"{"+strings.Join(ls, ",")+"}"] = m.GetGauge().GetValue()
		}
	}
	return out
}

// TestEvalWritesAndPushesMetrics runs eval on a saved facts file with both
// metrics outputs; the textfile's result counts must match findings.json and
// the push must reach the receiver under the site's group.
func TestEvalWritesAndPushesMetrics(t *testing.T) {
	var mu sync.Mutex
	var pushedPath string
	var pushedBody int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		pushedPath, pushedBody = r.Method+" "+r.URL.Path, len(b)
		mu.Unlock()
	}))
	defer srv.Close()

	dir := t.TempDir()
	prom := filepath.Join(dir, "mfpscan.prom")
	code, _, msg := runCLI(t, "eval", "../../testdata/reports/facts-127.77.0.10.json", "--out", filepath.Join(dir, "out"),
		"--format", "json", "--quiet", "--site", "hq", "--metrics-textfile", prom, "--pushgateway", srv.URL)
	if code != exitOK {
		t.Fatalf("eval: code %d: %s", code, msg)
	}
	m := readProm(t, prom)
	if m["mfpscan_devices_found{}"] != 1 || m["mfpscan_exit_code{}"] != 0 || m["mfpscan_devices_by_vendor{vendor=Canon}"] != 1 {
		t.Errorf("metrics: devices_found %v, exit_code %v, Canon %v", m["mfpscan_devices_found{}"], m["mfpscan_exit_code{}"], m["mfpscan_devices_by_vendor{vendor=Canon}"])
	}
	findings, err := os.ReadFile(filepath.Join(dir, "out", "findings.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, status := range []string{"fail", "pass", "review", "not_applicable"} {
		var sum float64
		for k, v := range m {
			// Labels come sorted: severity, then status.
			if strings.HasPrefix(k, "mfpscan_results{") && strings.HasSuffix(k, "status="+status+"}") {
				sum += v
			}
		}
		want := strings.Count(string(findings), `"status": "`+status+`"`) + strings.Count(string(findings), `"status":"`+status+`"`)
		if status == "fail" && sum == 0 {
			t.Error("no failed results counted; the sample device has findings")
		}
		if int(sum) != want {
			t.Errorf("mfpscan_results status=%s sums to %v, findings.json has %d", status, sum, want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if pushedPath != "PUT /metrics/job/mfpscan/site/hq" || pushedBody == 0 {
		t.Errorf("push: %q with %d bytes, want PUT /metrics/job/mfpscan/site/hq with metrics", pushedPath, pushedBody)
	}
}

// TestScanMetricsCountSweptAddresses sweeps one loopback address with no
// listener on the probed port: no device, one address swept, exit 0.
func TestScanMetricsCountSweptAddresses(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close() // a port that was free a moment ago: nothing answers on it
	dir := t.TempDir()
	prom := filepath.Join(dir, "m.prom")
	code, _, msg := runCLI(t, "scan", "127.0.0.1", "--ports", port, "--out", filepath.Join(dir, "out"), "--format", "json", "--quiet", "--metrics-textfile", prom)
	if code != exitOK {
		t.Fatalf("scan: code %d: %s", code, msg)
	}
	m := readProm(t, prom)
	if m["mfpscan_addresses_swept{}"] != 1 || m["mfpscan_devices_found{}"] != 0 || m["mfpscan_run_end_timestamp_seconds{}"] < m["mfpscan_run_start_timestamp_seconds{}"] {
		t.Errorf("metrics: swept %v, devices %v, start %v end %v", m["mfpscan_addresses_swept{}"], m["mfpscan_devices_found{}"], m["mfpscan_run_start_timestamp_seconds{}"], m["mfpscan_run_end_timestamp_seconds{}"])
	}
}

func TestPushgatewayURLIsChecked(t *testing.T) {
	code, _, msg := runCLI(t, "eval", "../../testdata/reports/facts-127.77.0.10.json", "--out", t.TempDir(), "--pushgateway", "gateway:9091")
	if code != exitUsage || !strings.Contains(msg, "--pushgateway") {
		t.Fatalf("bad --pushgateway: code %d, %q; want exit 2 naming the flag", code, msg)
	}
}
