// Package hostiletest proves the collectors survive hostile and broken
// devices: a fleet of lab profiles, normal and hostile, is collected
// concurrently and every host must finish within its deadline, with bounded
// memory, complete facts for the normal devices and sanitised strings for
// all of them.
package hostiletest

import (
	"context"
	"fmt"
	"net/netip"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/collectors/registry"
	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfmt"
	"github.com/mfpscan/mfpscan/lab"
)

const (
	portOffset      = 21000 // real ports + offset stay below the ephemeral range
	exchangeTimeout = time.Second
	// hostDeadline is stretched under the race detector, which slows the
	// TLS handshakes of normal devices (lab and collector share this
	// process and its two cores) by an order of magnitude.
	hostDeadline = 8 * time.Second * raceFactor
	// slack covers the engine's one-exchange grace after the deadline and
	// the analysers, which run after it.
	slack = exchangeTimeout + 2*time.Second
	// maxHeap is the peak Go heap allowed while the whole fleet (lab
	// included, it runs in this process) is collected.
	maxHeap = 200 << 20
	// maxBigBodyServed bounds what the big-body device may have written
	// across all its connections: the collectors' caps plus kernel socket
	// buffers, far below the 1 GiB it offers on each.
	maxBigBodyServed = 128 << 20
)

var subnet = netip.MustParsePrefix("127.66.7.0/24")

// hostResult is one device's collection.
type hostResult struct {
	dev     lab.Device
	doc     *facts.Device
	elapsed time.Duration
}

func startFleet(t *testing.T, names []string) *lab.Fleet {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	fleet, err := lab.Start(ctx, lab.Config{Subnet: subnet, PortOffset: portOffset, Profiles: names})
	if err != nil {
		t.Fatalf("start lab: %v", err)
	}
	t.Cleanup(func() {
		if err := fleet.Close(); err != nil {
			t.Errorf("close lab: %v", err)
		}
	})
	return fleet
}

func newEngine() *collectors.Engine {
	opts := collectors.Options{Timeout: exchangeTimeout}
	cs, as := registry.Default(opts)
	e := collectors.NewEngine(opts, cs, as, nil)
	e.HostTimeout = hostDeadline
	return e
}

// target is what discovery would hand over for d: every bound port open,
// the SNMP port (shifted) even where nothing listens.
func target(d lab.Device) *collectors.Target {
	t := &collectors.Target{Addr: d.Addr, Roles: collectors.Roles{TCP: d.Roles, SNMPPort: 161 + portOffset}}
	for _, p := range d.TCPPorts {
		t.Ports = append(t.Ports, facts.Port{Port: p, Protocol: "tcp", State: "open"})
	}
	if d.SNMPPort != 0 {
		t.Ports = append(t.Ports, facts.Port{Port: d.SNMPPort, Protocol: "udp", State: "open"})
	}
	return t
}

// collectAll collects every device concurrently and samples the heap while
// it runs; it returns the results in fleet order and the peak HeapAlloc.
func collectAll(e *collectors.Engine, devs []lab.Device) ([]hostResult, uint64) {
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(25 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	out := make([]hostResult, len(devs))
	var wg sync.WaitGroup
	for i, d := range devs {
		wg.Go(func() {
			start := time.Now()
			doc := e.Collect(context.Background(), target(d))
			out[i] = hostResult{dev: d, doc: doc, elapsed: time.Since(start)}
		})
	}
	wg.Wait()
	close(stop)
	<-sampled
	return out, peak.Load()
}

// TestFleetSurvivesHostileDevices is the acceptance test. Its log
// (go test -v) prints the figures recorded in docs/RELIABILITY.md.
func TestFleetSurvivesHostileDevices(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a full fleet for about ten seconds")
	}
	names := append(lab.ProfileNames(), lab.HostileProfileNames()...)
	fleet := startFleet(t, names)
	devs := fleet.Devices()
	e := newEngine()

	wallStart := time.Now()
	results, peak := collectAll(e, devs)
	wall := time.Since(wallStart)
	t.Logf("fleet of %d devices (%d hostile) collected in %v; peak heap %.1f MiB; peak RSS %s",
		len(devs), len(lab.HostileProfileNames()), wall.Round(time.Millisecond), float64(peak)/(1<<20), peakRSS())

	for _, r := range results {
		t.Logf("%-20s %6v  %s", r.dev.Name, r.elapsed.Round(time.Millisecond), statusLine(r.doc))
		if limit := hostDeadline + slack; r.elapsed > limit {
			t.Errorf("%s: Collect took %v, over the %v deadline + %v slack", r.dev.Name, r.elapsed, hostDeadline, slack)
		}
		for name, st := range r.doc.Collectors {
			if strings.Contains(st.Reason, "panic") {
				t.Errorf("%s: collector %s panicked: %s", r.dev.Name, name, st.Reason)
			}
		}
		checkSanitised(t, r.dev.Name, r.doc)
	}
	if peak > maxHeap {
		t.Errorf("peak heap %d bytes, want under %d", peak, maxHeap)
	}

	byName := map[string]hostResult{}
	for _, r := range results {
		byName[r.dev.Name] = r
	}
	t.Run("normal devices", func(t *testing.T) {
		checkNormalDevices(t, byName)
		// "Alone": the same devices collected one at a time, the hostile
		// ones idle, must give the same key facts.
		for _, name := range []string{lab.ProfileFactory, lab.ProfileHardened, lab.ProfileMF} {
			r := byName[name]
			alone := e.Collect(context.Background(), target(r.dev))
			if got, want := keyFacts(r.doc), keyFacts(alone); got != want {
				t.Errorf("%s: key facts differ in the mixed fleet\nmixed: %s\nalone: %s", name, got, want)
			}
		}
	})
	t.Run("hostile devices", func(t *testing.T) {
		checkHostileOutcomes(t, fleet, byName)
	})
	t.Run("payloads reach the facts sanitised", func(t *testing.T) {
		checkPayloadDevice(t, byName[lab.ProfileHostilePayloads])
	})
}

func statusLine(doc *facts.Device) string {
	var parts []string
	for _, name := range []string{"snmp", "http", "tls", "ipp", "banner", "fingerprint"} {
		if st, ok := doc.Collectors[name]; ok {
			parts = append(parts, fmt.Sprintf("%s=%s", name, st.Status))
		}
	}
	return strings.Join(parts, " ")
}

// keyFacts projects what policies depend on most into one comparable line.
func keyFacts(doc *facts.Device) string {
	var b strings.Builder
	for _, name := range []string{"snmp", "http", "tls", "ipp", "banner"} {
		fmt.Fprintf(&b, "%s=%s ", name, doc.Collectors[name].Status)
	}
	if s := doc.SNMP; s != nil {
		fmt.Fprintf(&b, "snmp v1=%v v2c=%v v3=%v comm=%v ", testfmt.Bool(s.V1), testfmt.Bool(s.V2c), testfmt.Bool(s.V3), s.CommunitiesAccepted)
	}
	for _, ts := range doc.TLS {
		keys := make([]string, 0, len(ts.Versions))
		for k, ok := range ts.Versions {
			keys = append(keys, fmt.Sprintf("%s:%v", k, ok))
		}
		slices.Sort(keys)
		fmt.Fprintf(&b, "tls%d=%v ", ts.Port, keys)
	}
	id := doc.Identity
	fmt.Fprintf(&b, "id=%s/%s/%s/%s ", attr(id.Vendor), attr(id.Model), attr(id.Serial), attr(id.Firmware))
	if ui := doc.RemoteUI; ui != nil {
		fmt.Fprintf(&b, "ui=%s ", ui.LoginMode)
	}
	for _, s := range doc.IPP {
		fmt.Fprintf(&b, "ipp%d=%s ", s.Port, s.MakeAndModel)
	}
	return b.String()
}

func attr(a *facts.Attribute) string {
	if a == nil {
		return ""
	}
	return a.Value
}
