package reports

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mfpscan/mfpscan/policies"
)

// streamFixture is the fixture run with its facts text, an unknown rule
// (a result whose rule left the catalogue) and a waived result, so every
// branch of the writers shows in the goldens.
func streamFixture(t *testing.T) *Run {
	t.Helper()
	r := fixtureRun()
	r.FactsText = map[string][]byte{}
	for _, d := range r.Devices {
		text, err := EncodeFacts(d)
		if err != nil {
			t.Fatal(err)
		}
		r.FactsText[d.Address] = text
	}
	r.Results = append(r.Results, policies.Result{RuleID: "MFP-GONE-001", Address: "127.77.0.12", DeviceID: "mac:00:11:22:33:44:55",
		Status: policies.StatusFail, Severity: "low", Findings: []policies.Finding{{Message: "a rule no longer in the catalogue", Fact: "/ports/0"}}})
	return r
}

// baselineFixture is a previous SARIF log: one finding still present with
// another message, and one gone.
func baselineFixture(t *testing.T) *Baseline {
	t.Helper()
	prev := streamFixture(t)
	prev.Results = prev.Results[:1]
	prev.Results[0].Findings = append([]policies.Finding{{Message: "an older message", Fact: "/tls/0/versions/tls1_0"}}, policies.Finding{Message: "gone since", Fact: "/gone"})
	var buf bytes.Buffer
	if err := (&SARIFWriter{}).Write(&buf, prev); err != nil {
		t.Fatal(err)
	}
	b, err := BaselineFromBytes(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestWholeRunGoldens pins the SARIF and HTML of a whole run held in memory.
func TestWholeRunGoldens(t *testing.T) {
	base := baselineFixture(t)
	for _, c := range []struct {
		name string
		w    Writer
	}{
		{"results.sarif", &SARIFWriter{}},
		{"results-baseline.sarif", &SARIFWriter{Options: SARIFOptions{Baseline: base}}},
		{"results-omit.sarif", &SARIFWriter{Options: SARIFOptions{OmitSuppressed: true}}},
		{"report.html", HTMLWriter{}},
	} {
		var buf bytes.Buffer
		if err := c.w.Write(&buf, streamFixture(t)); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		golden(t, c.name, buf.Bytes())
	}
}

// TestStreamedEqualsWholeRun streams the fixture device by device through
// a Streamer into a directory (spools on disk) and checks every report is
// byte-equal to the golden of the whole run written from memory.
func TestStreamedEqualsWholeRun(t *testing.T) {
	base := baselineFixture(t)
	cases := []struct {
		golden string
		w      Writer
	}{
		{"results.sarif", &SARIFWriter{}},
		{"results-baseline.sarif", &SARIFWriter{Options: SARIFOptions{Baseline: base}}},
		{"report.html", HTMLWriter{}},
	}
	for _, c := range cases {
		dir := t.TempDir()
		whole := streamFixture(t)
		if _, err := streamRun(t, dir, whole, []Writer{c.w}); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, c.w.Filename()))
		if err != nil {
			t.Fatal(err)
		}
		golden(t, c.golden, got)
	}
	// The formats whose goldens come from fixtureRun itself.
	dir := t.TempDir()
	if _, err := streamRun(t, dir, fixtureRun(), []Writer{JSONWriter{}, CSVWriter{}, MarkdownWriter{}}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"findings.json", "findings.csv", "summary.md"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		golden(t, name, got)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// streamRun feeds r's devices one by one to a Streamer writing in dir, as
// the pipeline does, and finishes it.
func streamRun(t *testing.T, dir string, r *Run, ws []Writer) ([]string, error) {
	t.Helper()
	head := &Run{Rules: r.Rules, Site: r.Site, ExpiredWaivers: r.ExpiredWaivers}
	s, err := NewStreamer(dir, ws, head, nil)
	if err != nil {
		return nil, err
	}
	for _, dr := range DeviceResults(r) {
		if dr.Device == nil {
			t.Fatalf("fixture result without a device: %s", dr.Address)
		}
		if err := s.Add(dr.Device, dr.FactsText, dr.Results); err != nil {
			return nil, err
		}
	}
	end := *r
	end.Devices, end.Results = nil, nil
	return s.Finish(context.Background(), &end)
}

// TestStreamerAbortLeavesNothing: a run given up half way (bad input met
// later) leaves no report, no facts file and no temporary file.
func TestStreamerAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	r := fixtureRun()
	s, err := NewStreamer(dir, []Writer{&SARIFWriter{}, HTMLWriter{}, JSONWriter{}}, r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Add(r.Devices[0], nil, nil); err != nil {
		t.Fatal(err)
	}
	s.Abort()
	var left []string
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			left = append(left, p)
		}
		return nil
	})
	if len(left) > 0 {
		t.Errorf("files left after Abort: %v", left)
	}
}

// TestStreamToStdout: with no directory only jsonl is accepted, and each
// device's lines reach the stream when the device is added, not at the end.
func TestStreamToStdout(t *testing.T) {
	r := fixtureRun()
	if _, err := NewStreamer("", []Writer{&SARIFWriter{}}, r, &bytes.Buffer{}); err == nil {
		t.Fatal("SARIF accepted on standard output")
	}
	var out bytes.Buffer
	s, err := NewStreamer("", []Writer{JSONLWriter{}}, r, &out)
	if err != nil {
		t.Fatal(err)
	}
	drs := DeviceResults(r)
	if err := s.Add(drs[0].Device, nil, drs[0].Results); err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(out.Bytes()), []byte("\n"))
	want := 1 // the device, then its failed, waived and review results
	for _, res := range drs[0].Results {
		if res.Status != policies.StatusPass && res.Status != policies.StatusNotApplicable {
			want++
		}
	}
	if want < 3 {
		t.Fatalf("fixture device has too few findings to tell: %d", want)
	}
	if len(lines) != want || !bytes.Contains(lines[0], []byte(`"type":"device","address":"127.77.0.10"`)) {
		t.Fatalf("after the first device the stream holds %d line(s):\n%s", len(lines), out.String())
	}
	for _, dr := range drs[1:] {
		if err := s.Add(dr.Device, nil, dr.Results); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Finish(context.Background(), &Run{Site: r.Site, Rules: r.Rules, Scan: r.Scan}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(out.Bytes(), []byte("}\n")) || !bytes.Contains(out.Bytes(), []byte(`{"type":"summary","site":"hq-floor2"`)) {
		t.Errorf("no summary line at the end:\n%s", out.String())
	}
}
