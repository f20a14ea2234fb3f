package ipp

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/collectors/collectortest"
	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfile"
	"github.com/mfpscan/mfpscan/internal/testnet"
	"github.com/mfpscan/mfpscan/internal/testpeer"
)

func start(t *testing.T, name string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
}

func waitFor(t *testing.T, ready func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ready() {
		if time.Now().After(deadline) {
			t.Fatal("not ready in time")
		}
		time.Sleep(20 * time.Millisecond) // readiness poll interval
	}
}

// ippevePrinter runs CUPS's ippeveprinter on loopback. It needs a D-Bus
// system bus for its Avahi client; a private bus on a Unix socket in the
// test directory satisfies it without any avahi-daemon, so no mDNS
// announcement leaves the host. "-n localhost" binds 127.0.0.1 and ::1 only.
func ippevePrinter(t *testing.T) int {
	t.Helper()
	testpeer.Path(t, "ippeveprinter", "Debian package cups-ipp-utils")
	testpeer.Path(t, "dbus-daemon", "Debian package dbus")
	dir := t.TempDir()
	bus := filepath.Join(dir, "bus")
	start(t, "dbus-daemon", nil, "--session", "--nofork", "--address=unix:path="+bus)
	waitFor(t, func() bool { _, err := os.Stat(bus); return err == nil })
	port := testnet.FreePort(t, "tcp")
	spool := filepath.Join(dir, "spool")
	if err := os.Mkdir(spool, 0o700); err != nil {
		t.Fatal(err)
	}
	keys := filepath.Join(dir, "keys")
	if err := os.Mkdir(keys, 0o700); err != nil {
		t.Fatal(err)
	}
	// -K: a writable key directory, where it creates its self-signed
	// certificate for IPP over TLS.
	start(t, "ippeveprinter", []string{"DBUS_SYSTEM_BUS_ADDRESS=unix:path=" + bus},
		"-K", keys, "-p", strconv.Itoa(port), "-M", "Canon", "-m", "iR-ADV C5535 III", "-n", "localhost",
		"-r", "off", "-d", spool, "Canon test")
	waitFor(t, func() bool {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return port
}

func collectRole(t *testing.T, port int, role string) (facts.Device, facts.CollectorStatus) {
	var doc facts.Device
	st := New().Collect(context.Background(), collectortest.Env(t, 5*time.Second), collectortest.Target(map[int]string{port: role}), &doc)
	if st.Status != facts.StatusOK || len(doc.IPP) != 1 {
		t.Fatalf("status %+v ipp %+v", st, doc.IPP)
	}
	return doc, st
}

func TestCollectIppeveprinter(t *testing.T) {
	port := ippevePrinter(t)
	doc, _ := collectRole(t, port, collectors.RoleIPP)
	s := doc.IPP[0]
	if s.MakeAndModel != "Canon iR-ADV C5535 III" || s.TLS || s.Port != port || s.Status != facts.StatusOK ||
		!slices.Equal(s.URISecuritySupported, []string{"none", "tls"}) {
		t.Errorf("service %+v", s)
	}
	if !slices.Contains(doc.Cleartext, facts.CleartextService{Service: "ipp", Port: port}) {
		t.Errorf("plain ipp not recorded as cleartext: %+v", doc.Cleartext)
	}
	wantHints := []facts.IdentityHint{
		{Field: "printer", Value: "true", Source: fmt.Sprintf("ipp:%d", port), Confidence: facts.ConfidenceHigh},
		{Field: "vendor", Value: "Canon", Source: fmt.Sprintf("ipp:%d printer-make-and-model", port), Confidence: facts.ConfidenceHigh},
		{Field: "model", Value: "iR-ADV C5535 III", Source: fmt.Sprintf("ipp:%d printer-make-and-model", port), Confidence: facts.ConfidenceHigh},
	}
	if !slices.Equal(doc.Identity.Sources, wantHints) {
		t.Errorf("hints %+v", doc.Identity.Sources)
	}

	// The same port over TLS, as an ipps role: IPP over TLS, not cleartext.
	doc, _ = collectRole(t, port, collectors.RoleIPPS)
	if s := doc.IPP[0]; !s.TLS || s.MakeAndModel != "Canon iR-ADV C5535 III" || len(doc.Cleartext) != 0 {
		t.Errorf("ipps: %+v cleartext %+v", s, doc.Cleartext)
	}
}

func TestCollectStatuses(t *testing.T) {
	env := collectortest.Env(t, 2*time.Second)
	var doc facts.Device
	st := New().Collect(context.Background(), env, &collectors.Target{Addr: netip.MustParseAddr("127.0.0.1")}, &doc)
	if st.Status != facts.StatusClosed {
		t.Errorf("no ports: %+v", st)
	}
	port := testnet.FreePort(t, "tcp")
	tgt := collectortest.Target(map[int]string{port: collectors.RoleIPPS})
	st = New().Collect(context.Background(), env, tgt, &doc)
	if st.Status != facts.StatusRefused || len(doc.IPP) != 1 || doc.IPP[0].Status != facts.StatusRefused {
		t.Errorf("refused: %+v %+v", st, doc.IPP)
	}
}

func TestCollectFallsBackToRoot(t *testing.T) {
	resp := testfile.Testdata(t, "ipp", "synthetic_canon_mf743.bin")
	var ops []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		mu.Lock()
		// Bytes 2-3 of an IPP request are the operation: only 0x000B
		// (Get-Printer-Attributes) may ever be sent.
		if len(body) >= 4 {
			ops = append(ops, fmt.Sprintf("%s %02x%02x", r.URL.Path, body[2], body[3]))
		}
		mu.Unlock()
		if r.Method != http.MethodPost || r.URL.Path != "/" || r.Header.Get("Content-Type") != "application/ipp" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/ipp")
		_, _ = w.Write(resp)
	}))
	defer srv.Close()
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	doc, _ := collectRole(t, port, collectors.RoleIPP)
	s := doc.IPP[0]
	if s.MakeAndModel != "Canon MF741C/743C" || s.TLS || !slices.Equal(s.FirmwareVersion, []string{"12.03", "01.05"}) {
		t.Errorf("service %+v", s)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(ops, []string{"/ipp/print 000b", "/ 000b"}) {
		t.Errorf("requests %v", ops)
	}
	// Both requests are probes[] records: the 404 an error, the answer answered.
	var probes []string
	for _, p := range doc.Probes {
		probes = append(probes, p.Collector+" "+p.Name+" "+p.Outcome)
	}
	if !slices.Equal(probes, []string{"ipp Get-Printer-Attributes ipp /ipp/print error", "ipp Get-Printer-Attributes ipp / answered"}) {
		t.Errorf("probes %v", probes)
	}
}
