package scanner

import (
	"net/netip"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testnet"
	"github.com/mfpscan/mfpscan/internal/testpeer"
)

// The filtered case needs packets that vanish, which loopback never does.
// The test re-runs itself inside a fresh network namespace (unshare -n)
// whose own nftables ruleset drops everything sent to 127.79.9.0/24; the
// host's network and firewall are untouched, and no packet leaves loopback.
const netnsChildEnv = "MFPSCAN_NETNS_CHILD"

const dropRuleset = `table inet mfpscan_test {
	chain out {
		type filter hook output priority 0; policy accept;
		ip daddr 127.79.9.0/24 drop
	}
}
`

func TestNativeFilteredInNetns(t *testing.T) {
	if os.Getenv(netnsChildEnv) == "1" {
		filteredChild(t)
		return
	}
	requireRootOrSkip(t)
	for _, tool := range []string{"unshare", "ip", "nft"} {
		testpeer.Path(t, tool, "Debian packages util-linux, iproute2, nftables")
	}
	cmd := exec.Command("unshare", "-n", "--", os.Args[0], "-test.run=^TestNativeFilteredInNetns$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), netnsChildEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child in network namespace failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestNativeFilteredInNetns") {
		t.Fatalf("child did not run the test:\n%s", out)
	}
	t.Logf("child output:\n%s", out)
}

func filteredChild(t *testing.T) {
	if out, err := exec.Command("ip", "link", "set", "lo", "up").CombinedOutput(); err != nil {
		t.Fatalf("ip link set lo up: %v: %s", err, out)
	}
	nft := exec.Command("nft", "-f", "-")
	nft.Stdin = strings.NewReader(dropRuleset)
	if out, err := nft.CombinedOutput(); err != nil {
		t.Fatalf("nft: %v: %s", err, out)
	}
	open, _ := listen(t, "127.79.8.1:0")
	closed := testnet.FreePortOn(t, "tcp", "127.79.8.1")
	cfg := SweepConfig{
		TCPPorts: []int{open, closed}, UDPProbes: []UDPProbe{SNMPProbe()},
		Timeout: 200 * time.Millisecond, Retries: 1, EmitAll: true,
	}
	start := time.Now()
	got, err := sweepAll(t, NewNative(), mustTargets(t, "127.79.8.1", "127.79.9.1-2"), cfg)
	if err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	elapsed := time.Since(start)
	if len(got) != 3 {
		t.Fatalf("results = %+v, want 3 hosts", got)
	}
	live := []facts.Port{
		{Port: open, Protocol: "tcp", State: "open"},
		{Port: closed, Protocol: "tcp", State: "closed"},
		{Port: 161, Protocol: "udp", State: "closed", Service: "snmp"},
	}
	slices.SortFunc(live[:2], func(a, b facts.Port) int { return a.Port - b.Port })
	if got[0].Addr != netip.MustParseAddr("127.79.8.1") || !slices.Equal(got[0].Ports, live) {
		t.Errorf("live host = %+v, want %+v", got[0], live)
	}
	for _, r := range got[1:] {
		for _, p := range r.Ports {
			if p.State != "filtered" {
				t.Errorf("%s %s/%d = %s, want filtered (dropped)", r.Addr, p.Protocol, p.Port, p.State)
			}
		}
		if len(r.Ports) != 3 {
			t.Errorf("%s ports = %+v, want 3 filtered", r.Addr, r.Ports)
		}
	}
	// Each dropped probe costs Timeout × (1 + Retries) = 400ms and all run
	// in parallel: the sweep must not serialise them.
	if elapsed > 3*time.Second {
		t.Errorf("sweep took %v; dropped probes should overlap (~400ms)", elapsed)
	}
}
