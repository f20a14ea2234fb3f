package lab

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/OpenPrinting/goipp"
	"github.com/gosnmp/gosnmp"
	"github.com/mfpscan/mfpscan/internal/testfile"
)

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestFTPNeverLogsIn(t *testing.T) {
	f, cfg := startFleet(t, ProfileFactory)
	c := dial(t, hostPort(f.Devices()[0], cfg, 21))
	r := bufio.NewReader(c)
	exchange := func(cmd, wantPrefix string) {
		t.Helper()
		if cmd != "" {
			if _, err := io.WriteString(c, cmd+"\r\n"); err != nil {
				t.Fatalf("send %q: %v", cmd, err)
			}
		}
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("after %q: %v", cmd, err)
		}
		if !strings.HasPrefix(line, wantPrefix) {
			t.Errorf("after %q got %q, want prefix %q", cmd, line, wantPrefix)
		}
	}
	exchange("", "220 Canon iR-ADV C5535 III FTP Print Server V2.10 ready.")
	exchange("USER anonymous", "331")
	exchange("PASS guest@", "530")
	exchange("STOR job.ps", "530")
	exchange("QUIT", "221")
	if _, err := r.ReadByte(); err != io.EOF {
		t.Errorf("connection still open after QUIT: %v", err)
	}
}

func TestLPDAndRaw(t *testing.T) {
	f, cfg := startFleet(t, ProfileFactory)
	d := f.Devices()[0]

	c := dial(t, hostPort(d, cfg, 515))
	_, _ = c.Write([]byte("\x03lp\n"))
	b, _ := io.ReadAll(c)
	if string(b) != "Fictive printer queue short information\n" {
		t.Errorf("LPD queue state %q", b)
	}
	c = dial(t, hostPort(d, cfg, 515))
	_, _ = c.Write([]byte("\x02lp\n"))
	b, _ = io.ReadAll(c)
	if !bytes.Equal(b, []byte{1}) {
		t.Errorf("LPD receive-job answer %q, want refusal 0x01", b)
	}

	// Raw 9100 swallows a PJL query silently: the lab never prints or talks.
	c = dial(t, hostPort(d, cfg, 9100))
	_, _ = io.WriteString(c, "\x1b%-12345X@PJL INFO ID\r\n")
	_ = c.(*net.TCPConn).CloseWrite()
	b, err := io.ReadAll(c)
	if err != nil || len(b) != 0 {
		t.Errorf("raw port answered %q (err %v)", b, err)
	}
}

func ippPost(t *testing.T, c *http.Client, url string, body []byte) *goipp.Message {
	t.Helper()
	resp, err := c.Post(url, goipp.ContentType, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("post %s: %v", url, err)
	}
	defer resp.Body.Close()
	var m goipp.Message
	if err := m.Decode(resp.Body); err != nil {
		t.Fatalf("decode IPP response: %v", err)
	}
	return &m
}

func attr(attrs goipp.Attributes, name string) string {
	for _, a := range attrs {
		if a.Name == name && len(a.Values) > 0 {
			return a.Values[0].V.String()
		}
	}
	return ""
}

func TestIPP(t *testing.T) {
	f, cfg := startFleet(t, ProfileFactory, ProfileHardened)
	getAttrs := readSeed(t, "ipp", "get-printer-attributes.bin")
	printJob := readSeed(t, "ipp", "print-job.bin")
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // lab certificates

	fac := "http://" + hostPort(device(t, f, ProfileFactory), cfg, 631) + "/ipp/print"
	m := ippPost(t, c, fac, getAttrs)
	if goipp.Status(m.Code) != goipp.StatusOk || m.RequestID != 7 {
		t.Fatalf("status %v id %d", goipp.Status(m.Code), m.RequestID)
	}
	for name, want := range map[string]string{
		"printer-make-and-model":          "Canon iR-ADV C5535 III",
		"printer-firmware-string-version": "47.07",
		"uri-security-supported":          "none",
		"uri-authentication-supported":    "none",
	} {
		if got := attr(m.Printer, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	m = ippPost(t, c, fac, printJob)
	if goipp.Status(m.Code) != goipp.StatusErrorOperationNotSupported {
		t.Errorf("Print-Job answered %v, want server-error-operation-not-supported", goipp.Status(m.Code))
	}

	hard := "https://" + hostPort(device(t, f, ProfileHardened), cfg, 631) + "/ipp/print"
	m = ippPost(t, c, hard, getAttrs)
	if got := attr(m.Printer, "uri-security-supported"); got != "tls" {
		t.Errorf("IPPS uri-security-supported = %q", got)
	}
	// Go's TLS server answers cleartext HTTP with a bare 400, never IPP.
	if resp, err := c.Post("http://"+hostPort(device(t, f, ProfileHardened), cfg, 631)+"/", goipp.ContentType, bytes.NewReader(getAttrs)); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("hardened IPP port answered cleartext HTTP with %s", resp.Status)
		}
	}
}

func readSeed(t testing.TB, dir, name string) []byte {
	t.Helper()
	return testfile.Testdata(t, "lab", dir, name)
}

func seeds(t testing.TB, dir string) [][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "lab", dir, "*.bin"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no seeds in testdata/lab/%s: %v", dir, err)
	}
	out := make([][]byte, 0, len(paths))
	for _, p := range paths {
		out = append(out, testfile.Read(t, p))
	}
	return out
}

// TestCapturedRequests replays requests captured from net-snmp's tools.
func TestCapturedRequests(t *testing.T) {
	factory, hardened := testAgent(t, ProfileFactory), testAgent(t, ProfileHardened)
	tests := []struct {
		file    string
		agent   *snmpAgent
		wantPDU gosnmp.PDUType // 0 = silence
	}{
		{"v1-get-sysdescr.bin", factory, gosnmp.GetResponse},
		{"v2c-getnext.bin", factory, gosnmp.GetResponse},
		{"v2c-getbulk.bin", factory, gosnmp.GetResponse},
		{"v2c-set.bin", factory, gosnmp.GetResponse},
		{"v3-discovery.bin", factory, 0},
		{"v1-get-sysdescr.bin", hardened, 0},
		{"v3-discovery.bin", hardened, gosnmp.Report},
	}
	for _, tt := range tests {
		out := tt.agent.respond(readSeed(t, "snmp", tt.file))
		if tt.wantPDU == 0 {
			if out != nil {
				t.Errorf("%s to %s: answered", tt.file, tt.agent.p.name)
			}
			continue
		}
		rep, err := (&gosnmp.GoSNMP{}).SnmpDecodePacket(out)
		if err != nil {
			t.Fatalf("%s: decode reply: %v", tt.file, err)
		}
		if rep.PDUType != tt.wantPDU {
			t.Errorf("%s: PDU %v, want %v", tt.file, rep.PDUType, tt.wantPDU)
		}
		if tt.file == "v2c-set.bin" && rep.Error != gosnmp.NoAccess {
			t.Errorf("SET answered error %v, want noAccess", rep.Error)
		}
		if tt.file == "v3-discovery.bin" {
			usm := rep.SecurityParameters.(*gosnmp.UsmSecurityParameters)
			if !strings.HasPrefix(usm.AuthoritativeEngineID, "\x80\x00\x13\x70") || rep.Variables[0].Name != "."+oidUnknownEngID {
				t.Errorf("discovery report engine %x varbind %s", usm.AuthoritativeEngineID, rep.Variables[0].Name)
			}
		}
	}
}

func FuzzSNMPRespond(f *testing.F) {
	for _, s := range seeds(f, "snmp") {
		f.Add(s)
	}
	factory, hardened := testAgent(f, ProfileFactory), testAgent(f, ProfileHardened)
	f.Fuzz(func(t *testing.T, req []byte) {
		for _, a := range []*snmpAgent{factory, hardened} {
			out := a.respond(req)
			if len(out) > maxSNMPDatagram {
				t.Fatalf("reply of %d bytes", len(out))
			}
		}
	})
}

func FuzzIPPResponse(f *testing.F) {
	for _, s := range seeds(f, "ipp") {
		f.Add(s)
	}
	plan, err := planFleet(Config{Profiles: []string{ProfileFactory}})
	if err != nil {
		f.Fatal(err)
	}
	// A fixed clock: the device's uptime and dates in its answers do not
	// depend on when the fuzzer runs.
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	d := newDeviceRuntime(plan[0], nil, func() time.Time { return clock })
	f.Fuzz(func(t *testing.T, req []byte) {
		m := d.ippResponse(req, false)
		if _, err := m.EncodeBytes(); err != nil {
			t.Fatalf("encode response: %v", err)
		}
		if goipp.Status(m.Code) == goipp.StatusOk && goipp.Op(binaryOp(req)) != goipp.OpGetPrinterAttributes {
			t.Fatalf("operation %#x answered ok", binaryOp(req))
		}
	})
}

// binaryOp reads the operation code from an IPP request header.
func binaryOp(b []byte) uint16 {
	if len(b) < 4 {
		return 0
	}
	return uint16(b[2])<<8 | uint16(b[3])
}
