package scanner

import (
	"context"
	"errors"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Ullaakut/nmap/v3"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfile"
	"github.com/mfpscan/mfpscan/internal/testnet"
	"github.com/mfpscan/mfpscan/internal/testpeer"
)

func TestCheckNmapArgs(t *testing.T) {
	for _, ok := range [][]string{nil, {"-T4"}, {"--max-rate=100", "--open", "-O", "--reason"}, {"-sS"}, {"-sT"}, {"-sU"}} {
		if err := CheckNmapArgs(ok); err != nil {
			t.Errorf("CheckNmapArgs(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{
		"-oX", "-oN", "-oA", "-o", "--script=vuln", "--script", "-sC", "-A", "--resume", "--datadir=/tmp",
		"--stylesheet", "-iL", "-iR", "--excludefile", "--exclude=10.0.0.1", "--data-string=x", "--data-length=9",
		"-D1.2.3.4", "-S10.0.0.9", "--proxies=http://x", "10.0.0.1", "scanme.example",
		// Version detection writes LPD commands to 515 and, with --allports, to 9100.
		"-sV", "-sVC", "--version-all", "--version-intensity=9", "--version-light", "--allports", "-sR", "-sSV", "-sTC",
	} {
		if err := CheckNmapArgs([]string{"-T4", bad}); err == nil {
			t.Errorf("CheckNmapArgs accepted %q", bad)
		}
	}
}

func TestNmapArgsBuilt(t *testing.T) {
	root, user := true, false
	cfg := SweepConfig{TCPPorts: []int{80, 9100}, UDPProbes: []UDPProbe{SNMPProbe()}}.withDefaults()
	pfx := []netip.Prefix{netip.MustParsePrefix("192.0.2.0/30")}
	got := nmapCommandLine(t, &Nmap{Root: &root}, pfx, cfg)
	for _, want := range []string{"-Pn -n -sS -sU", "-p T:80,T:9100,U:161", "--max-retries 1", "--max-rtt-timeout 1000ms", "--max-rate 5000", "192.0.2.0/30"} {
		if !strings.Contains(got, want) {
			t.Errorf("root args %q lack %q", got, want)
		}
	}
	got = nmapCommandLine(t, &Nmap{Root: &user, Args: []string{"-T4"}}, []netip.Prefix{netip.MustParsePrefix("2001:db8::/127")}, cfg)
	if !strings.Contains(got, "-sT -6 -p T:80,T:9100 ") || strings.Contains(got, "-sU") || !strings.Contains(got, "-T4 2001:db8::/127") {
		t.Errorf("unprivileged v6 args = %q", got)
	}
}

func nmapCommandLine(t *testing.T, e *Nmap, chunk []netip.Prefix, cfg SweepConfig) string {
	t.Helper()
	opts := append([]nmap.Option{nmap.WithBinaryPath("/nonexistent/nmap")}, e.nmapOptions(chunk, cfg)...)
	s, err := nmap.NewScanner(context.Background(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(s.Args(), " ")
}

func TestNmapResultsFromCapturedXML(t *testing.T) {
	// testdata/nmap/loopback.xml: nmap 7.93 -sS -sU against 127.0.0.1 with
	// tcp/18080 open, tcp/18081 closed, udp/16161 silent, udp/16162 closed.
	b := testfile.Read(t, filepath.Join("testdata", "nmap", "loopback.xml"))
	var run nmap.Run
	if err := nmap.Parse(b, &run); err != nil {
		t.Fatal(err)
	}
	cfg := SweepConfig{UDPProbes: []UDPProbe{{Port: 16161, Service: "snmp"}}}
	got := nmapResults(&run, cfg)
	want := []facts.Port{{Port: 18080, Protocol: "tcp", State: "open"}}
	if len(got) != 1 || got[0].Addr.String() != "127.0.0.1" || !slices.Equal(got[0].Ports, want) {
		t.Fatalf("results = %+v, want 127.0.0.1 with %+v", got, want)
	}
	cfg.EmitAll = true
	got = nmapResults(&run, cfg)
	want = []facts.Port{
		{Port: 18080, Protocol: "tcp", State: "open"},
		{Port: 18081, Protocol: "tcp", State: "closed"},
		{Port: 16161, Protocol: "udp", State: "filtered", Service: "snmp"},
		{Port: 16162, Protocol: "udp", State: "closed"},
	}
	if len(got) != 1 || !slices.Equal(got[0].Ports, want) {
		t.Fatalf("EmitAll results = %+v, want %+v", got, want)
	}
}

func TestNmapMissingBinary(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	err := (&Nmap{}).Sweep(context.Background(), mustTargets(t, "127.0.0.1"), SweepConfig{TCPPorts: []int{80}}, func(HostResult) {})
	if err == nil || !strings.Contains(err.Error(), "nmap not found in PATH: install it (Debian: apt-get install nmap) or use --engine native") {
		t.Fatalf("error = %v", err)
	}
}

// requireRootOrSkip stops tests that need root when run as a normal user: a
// skip by hand, a failure where peers are required.
func requireRootOrSkip(t *testing.T) {
	t.Helper()
	testpeer.Root(t, "raw sockets for nmap -sS/-sU, network namespaces")
}

func TestNmapMatchesNativeOnLoopback(t *testing.T) {
	requireRootOrSkip(t)
	testpeer.Path(t, "nmap", "Debian package nmap")
	const host = "127.79.1.1"
	open1, _ := listen(t, host+":0")
	open2, _ := listen(t, host+":0")
	closed := testnet.FreePortOn(t, "tcp", host)
	// A responder on the real SNMP port, so nmap sends its SNMP payload.
	udpResponderOn(t, host+":161", func(req []byte) []byte { return agentReply(req, []string{"public"}, true) })

	cfg := SweepConfig{
		TCPPorts: []int{open1, closed, open2}, UDPProbes: []UDPProbe{SNMPProbe()},
		Timeout: 2 * time.Second, Retries: 1, HostDeadline: 60 * time.Second,
	}
	ts := mustTargets(t, host+"-2") // .1 live, .2 silent (closed everywhere)
	native, err := sweepAll(t, NewNative(), ts, cfg)
	if err != nil {
		t.Fatalf("native Sweep: %v", err)
	}
	viaNmap, err := sweepAll(t, &Nmap{}, ts, cfg)
	if err != nil {
		t.Fatalf("nmap Sweep: %v", err)
	}
	want := append(tcpPorts(open1, open2), facts.Port{Port: 161, Protocol: "udp", State: "open", Service: "snmp"})
	for name, got := range map[string][]HostResult{"native": native, "nmap": viaNmap} {
		if len(got) != 1 || got[0].Addr.String() != host || !slices.Equal(got[0].Ports, want) {
			t.Errorf("%s results = %+v, want %s with %+v", name, got, host, want)
		}
	}
}

func TestNmapCancel(t *testing.T) {
	requireRootOrSkip(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := (&Nmap{}).Sweep(ctx, mustTargets(t, "127.0.0.1"), SweepConfig{TCPPorts: []int{1}}, func(HostResult) {})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
}
