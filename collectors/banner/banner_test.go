package banner

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/collectors/collectortest"
	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfile"
	"github.com/mfpscan/mfpscan/internal/testnet"
)

const testdataDir = "../../testdata/banners"

// fakeService listens on 127.0.0.1:0, writes greeting on accept (and reply
// after the first bytes received, if set) and records what the client sent.
type fakeService struct {
	ln       net.Listener
	greeting []byte
	reply    []byte

	mu       sync.Mutex
	received bytes.Buffer
	done     chan struct{}
}

func newFake(t *testing.T, greeting, reply []byte) *fakeService {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	f := &fakeService{ln: ln, greeting: greeting, reply: reply, done: make(chan struct{})}
	go f.serve()
	t.Cleanup(func() { ln.Close() })
	return f
}

func (f *fakeService) port() int { return f.ln.Addr().(*net.TCPAddr).Port }

func (f *fakeService) serve() {
	defer close(f.done)
	c, err := f.ln.Accept()
	if err != nil {
		return
	}
	defer c.Close()
	_, _ = c.Write(f.greeting)
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 1024)
	for {
		n, err := c.Read(buf)
		f.mu.Lock()
		f.received.Write(buf[:n])
		f.mu.Unlock()
		if n > 0 && f.reply != nil {
			_, _ = c.Write(f.reply)
			f.reply = nil
		}
		if err != nil {
			return
		}
	}
}

// got waits for the client to hang up, then returns what it sent.
func (f *fakeService) got(t *testing.T) string {
	t.Helper()
	select {
	case <-f.done:
	case <-time.After(5 * time.Second):
		t.Fatal("client did not close the connection")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.received.String()
}

func run(t *testing.T, opts collectors.Options, roles map[int]string) (*facts.Device, facts.CollectorStatus) {
	t.Helper()
	opts.Timeout = 500 * time.Millisecond
	target := collectortest.Target(roles)
	env := &collectors.Env{Dialer: collectors.NewDialer(opts.Timeout, 4), Options: opts, Log: slog.New(slog.DiscardHandler)}
	out := &facts.Device{}
	return out, New().Collect(context.Background(), env, target, out)
}

func TestCollectFTPCanon(t *testing.T) {
	ftp := newFake(t, testfile.Testdata(t, "banners", "ftp-canon-iradv.txt"), []byte("221 Goodbye.\r\n"))
	out, st := run(t, collectors.Options{}, map[int]string{ftp.port(): collectors.RoleFTP})
	if st.Status != facts.StatusOK {
		t.Fatalf("status = %+v", st)
	}
	want := []facts.Banner{{Port: ftp.port(), Service: "ftp", Status: facts.StatusOK, Text: "220 Canon iR-ADV C5535 FTP Print Server V1.40 (2019-03-12) ready."}}
	if diff := cmp.Diff(want, out.Banners); diff != "" {
		t.Errorf("banners (-want +got):\n%s", diff)
	}
	if got := ftp.got(t); got != "QUIT\r\n" {
		t.Errorf("client sent %q, want only QUIT", got)
	}
	src := "banner:ftp:" + strconv.Itoa(ftp.port())
	wantHints := []facts.IdentityHint{
		{Field: "vendor", Value: "Canon", Source: src, Confidence: facts.ConfidenceHigh},
		{Field: "model", Value: "iR-ADV C5535", Source: src, Confidence: facts.ConfidenceMedium},
		{Field: "printer", Value: "true", Source: src, Confidence: facts.ConfidenceHigh},
	}
	if diff := cmp.Diff(wantHints, out.Identity.Sources); diff != "" {
		t.Errorf("hints (-want +got):\n%s", diff)
	}
}

func TestCollectPrintPortsConnectOnly(t *testing.T) {
	lpd := newFake(t, nil, nil)
	raw := newFake(t, nil, []byte("should never be asked"))
	out, st := run(t, collectors.Options{}, map[int]string{lpd.port(): collectors.RoleLPD, raw.port(): collectors.RoleRaw})
	if st.Status != facts.StatusOK {
		t.Fatalf("status = %+v", st)
	}
	if got := lpd.got(t); got != "" {
		t.Errorf("sent %q to LPD; print ports are connect-only", got)
	}
	if got := raw.got(t); got != "" {
		t.Errorf("sent %q to raw 9100 without --probe-pjl", got)
	}
	for _, b := range out.Banners {
		if b.Status != facts.StatusOK || b.Text != "" {
			t.Errorf("banner %+v, want ok with no text", b)
		}
	}
}

func TestCollectPJLOptIn(t *testing.T) {
	raw := newFake(t, nil, testfile.Testdata(t, "banners", "pjl-canon-mf.txt"))
	out, st := run(t, collectors.Options{ProbePJL: true}, map[int]string{raw.port(): collectors.RoleRaw})
	if st.Status != facts.StatusOK {
		t.Fatalf("status = %+v", st)
	}
	if got := raw.got(t); got != collectors.PJLInfoID {
		t.Errorf("sent %q, want exactly the UEL-wrapped INFO ID", got)
	}
	want := []facts.Banner{{Port: raw.port(), Service: "pjl", Status: facts.StatusOK, Text: "MF632C/634C"}}
	if diff := cmp.Diff(want, out.Banners); diff != "" {
		t.Errorf("banners (-want +got):\n%s", diff)
	}
}

func TestCollectTelnetAndSilent(t *testing.T) {
	telnet := newFake(t, testfile.Testdata(t, "banners", "telnet-iac.txt"), nil)
	silent := newFake(t, nil, nil) // accepts, says nothing
	out, _ := run(t, collectors.Options{}, map[int]string{telnet.port(): collectors.RoleTelnet, silent.port(): collectors.RoleSMTP})
	byPort := map[int]facts.Banner{}
	for _, b := range out.Banners {
		byPort[b.Port] = b
	}
	if b := byPort[telnet.port()]; b.Status != facts.StatusOK || b.Text != "Printer login:" {
		t.Errorf("telnet banner = %+v", b)
	}
	if b := byPort[silent.port()]; b.Status != facts.StatusTimeout {
		t.Errorf("silent smtp banner = %+v, want timeout", b)
	}
}

func TestCollectRefusedAndNone(t *testing.T) {
	port := testnet.FreePort(t, "tcp")
	out, st := run(t, collectors.Options{}, map[int]string{port: collectors.RoleFTP})
	if st.Status != facts.StatusRefused || len(out.Banners) != 1 || out.Banners[0].Status != facts.StatusRefused {
		t.Errorf("status %+v banners %+v, want refused", st, out.Banners)
	}
	want := []facts.Probe{{Collector: "banner", Name: "read ftp greeting", Port: port, Protocol: "tcp", Outcome: facts.ProbeRefused, Detail: out.Banners[0].Reason}}
	if diff := cmp.Diff(want, out.Probes); diff != "" {
		t.Errorf("probes (-want +got):\n%s", diff)
	}
	_, st = run(t, collectors.Options{}, map[int]string{})
	if st.Status != facts.StatusSkipped {
		t.Errorf("no ports: status %+v, want skipped", st)
	}
}

func TestCollectEndlessGreeting(t *testing.T) {
	// A service that streams without ever ending a line: the read is capped.
	endless := newFake(t, bytes.Repeat([]byte("A"), 64*1024), nil)
	out, _ := run(t, collectors.Options{}, map[int]string{endless.port(): collectors.RoleFTP})
	if len(out.Banners) != 1 || len(out.Banners[0].Text) != MaxText {
		t.Fatalf("banner text length = %d, want cap %d", len(out.Banners[0].Text), MaxText)
	}
}
