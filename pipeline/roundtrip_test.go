package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/usage"
	"github.com/mfpscan/mfpscan/lab"
	"github.com/mfpscan/mfpscan/reports"
)

// bannerDoc is a valid facts document whose one banner holds text.
func bannerDoc(text string) *facts.Device {
	d := collectors.BaseDocument(&collectors.Target{Addr: netip.MustParseAddr("127.0.0.9")})
	d.Banners = []facts.Banner{{Port: 21, Service: "ftp", Status: facts.StatusOK, Text: text}}
	d.Collectors["banner"] = facts.CollectorStatus{Status: facts.StatusOK}
	return d
}

// docOfEncodedSize returns a document whose facts file text is exactly n
// bytes: past the first, each ASCII letter of the banner adds one byte.
func docOfEncodedSize(t *testing.T, n int) *facts.Device {
	t.Helper()
	base, err := reports.EncodeFacts(bannerDoc("a"))
	if err != nil {
		t.Fatal(err)
	}
	return bannerDoc(strings.Repeat("a", n-len(base)+1))
}

func writeCompact(t *testing.T, dir string, d *facts.Device) {
	t.Helper()
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "dev.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func evalConfig(t *testing.T, out string) Config {
	cfg := labScanConfig(t, lab.Config{}, out)
	cfg.Formats = []string{"json"}
	return cfg
}

// TestFactsRoundTripAtTheCap: what eval writes, report --from must read.
// A compact facts file under the read cap used to be accepted, rewritten
// indented (and HTML-escaped) far over the cap, then refused by report
// --from. At the cap exactly, the round trip works; one byte over, or a
// document that only grows over the cap when rewritten, is refused on
// input (exit 2), before anything is written.
func TestFactsRoundTripAtTheCap(t *testing.T) {
	ctx := context.Background()
	in, out := t.TempDir(), t.TempDir()
	atCap := docOfEncodedSize(t, facts.MaxFileBytes)
	writeCompact(t, in, atCap)
	if err := Eval(ctx, evalConfig(t, out), []string{in}); err != nil {
		t.Fatalf("eval of a document at the cap: %v", err)
	}
	written, err := os.Stat(filepath.Join(out, reports.FactsFileName(atCap.Address)))
	if err != nil || written.Size() != facts.MaxFileBytes {
		t.Fatalf("facts file written: %v, %v; want %d bytes", written, err, facts.MaxFileBytes)
	}
	again := t.TempDir()
	if err := reports.Rerender(ctx, out, again, []string{"json"}, reports.RerenderOptions{}); err != nil {
		t.Fatalf("report --from of what eval wrote at the cap: %v", err)
	}
	first, err := os.ReadFile(filepath.Join(out, reports.FactsFileName(atCap.Address)))
	if err != nil {
		t.Fatal(err)
	}
	second, err := os.ReadFile(filepath.Join(again, reports.FactsFileName(atCap.Address)))
	if err != nil || !bytes.Equal(first, second) {
		t.Fatalf("the document read back and written again differs from the one eval wrote (%v)", err)
	}

	over := map[string]*facts.Device{
		"one byte over the cap": docOfEncodedSize(t, facts.MaxFileBytes+1),
		// 4 MiB of '<' on input, six times that once escaped and indented.
		"grows over the cap when rewritten": bannerDoc(strings.Repeat("<", facts.MaxFileBytes/4)),
	}
	for name, d := range over {
		in, out := t.TempDir(), t.TempDir()
		writeCompact(t, in, d)
		err := Eval(ctx, evalConfig(t, out), []string{in})
		if !usage.Is(err) {
			t.Errorf("%s: eval = %v, want a usage error", name, err)
			if lerr := reports.Rerender(ctx, out, t.TempDir(), []string{"json"}, reports.RerenderOptions{}); lerr != nil {
				t.Errorf("%s: and report --from then refuses what eval wrote: %v", name, lerr)
			}
		}
	}
}

// TestFIFOInFactsDirDoesNotHang plants a named pipe among facts files:
// eval and report --from used to block on it forever.
func TestFIFOInFactsDirDoesNotHang(t *testing.T) {
	ctx := context.Background()
	in, out := t.TempDir(), t.TempDir()
	writeCompact(t, in, bannerDoc("220 ready"))
	if err := Eval(ctx, evalConfig(t, out), []string{in}); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{in, filepath.Join(out, "facts")} {
		if err := syscall.Mkfifo(filepath.Join(dir, "zz.json"), 0o600); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
	}
	within(t, "eval", func() error { return Eval(ctx, evalConfig(t, t.TempDir()), []string{in}) })
	within(t, "report --from", func() error {
		return reports.Rerender(ctx, out, t.TempDir(), []string{"json"}, reports.RerenderOptions{})
	})
}

func within(t *testing.T, what string, f func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		if !usage.Is(err) || !strings.Contains(err.Error(), "zz.json") {
			t.Errorf("%s with a FIFO in the facts directory = %v, want a usage error naming the file", what, err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("%s blocked on a FIFO in the facts directory", what)
	}
}
