package collectors

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mfpscan/mfpscan/facts"
)

// fakeCollector runs fn as its Collect.
type fakeCollector struct {
	name string
	fn   func(ctx context.Context, out *facts.Device) facts.CollectorStatus
}

func (f fakeCollector) Name() string { return f.name }
func (f fakeCollector) Collect(ctx context.Context, _ *Env, _ *Target, out *facts.Device) facts.CollectorStatus {
	return f.fn(ctx, out)
}

type fakeAnalyser struct {
	name string
	fn   func(doc *facts.Device) facts.CollectorStatus
}

func (f fakeAnalyser) Name() string { return f.name }
func (f fakeAnalyser) Analyse(_ context.Context, _ *Env, _ *Target, doc *facts.Device) facts.CollectorStatus {
	return f.fn(doc)
}

func ok() facts.CollectorStatus { return facts.CollectorStatus{Status: facts.StatusOK} }

func TestEngineCollect(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	cs := []Collector{
		fakeCollector{"snmp", func(_ context.Context, out *facts.Device) facts.CollectorStatus {
			out.SNMP = &facts.SNMP{Status: facts.StatusOK, Port: 161, V1: facts.Bool(true)}
			out.Interfaces = []facts.Interface{{Address: "10.0.0.5", IPClass: facts.IPClassPrivate, Source: "snmp"}}
			out.Identity.Sources = []facts.IdentityHint{{Field: "serial", Value: "2TQ01234", Source: "snmp:x", Confidence: facts.ConfidenceHigh}}
			return ok()
		}},
		fakeCollector{"http", func(_ context.Context, out *facts.Device) facts.CollectorStatus {
			out.HTTP = []facts.HTTPService{
				{Port: 80, Status: facts.StatusOK},
				{Port: 8000, Status: facts.StatusOK, RedirectsToHTTPS: facts.Bool(true)},
				{Port: 443, TLS: true, Status: facts.StatusOK},
			}
			return ok()
		}},
		fakeCollector{"ipp", func(_ context.Context, out *facts.Device) facts.CollectorStatus {
			out.IPP = []facts.IPPService{{Port: 631, Status: facts.StatusOK}}
			return ok()
		}},
		fakeCollector{"boom", func(context.Context, *facts.Device) facts.CollectorStatus { panic("parser bug") }},
		fakeCollector{"stuck", func(_ context.Context, out *facts.Device) facts.CollectorStatus {
			<-release // ignores ctx: the engine must not wait for it forever
			out.Banners = []facts.Banner{{Port: 21}}
			return ok()
		}},
		fakeCollector{"refused", func(context.Context, *facts.Device) facts.CollectorStatus {
			st, reason := Classify(fmt.Errorf("dial: %w", syscall.ECONNREFUSED))
			return facts.CollectorStatus{Status: st, Reason: reason}
		}},
	}
	var order []string
	as := []Analyser{
		fakeAnalyser{"first", func(doc *facts.Device) facts.CollectorStatus {
			order = append(order, "first")
			// Analysers see the merged document.
			if doc.SNMP == nil || len(doc.HTTP) != 3 {
				t.Errorf("analyser saw an unmerged document")
			}
			doc.Identity.DeviceID = "serial:2TQ01234"
			return ok()
		}},
		fakeAnalyser{"second", func(*facts.Device) facts.CollectorStatus { order = append(order, "second"); panic("oops") }},
	}
	e := NewEngine(Options{Timeout: 50 * time.Millisecond}, cs, as, nil)
	e.HostTimeout = 200 * time.Millisecond
	target := &Target{
		Addr: netip.MustParseAddr("192.168.7.20"),
		Ports: []facts.Port{
			{Port: 21, Protocol: "tcp", State: "open"}, {Port: 23, Protocol: "tcp", State: "closed"},
			{Port: 80, Protocol: "tcp", State: "open"}, {Port: 9100, Protocol: "tcp", State: "open"},
			{Port: 161, Protocol: "udp", State: "open"},
		},
		Roles: DefaultRoles(),
	}
	doc := e.Collect(context.Background(), target)

	if doc.SchemaVersion != facts.SchemaVersion || doc.Address != "192.168.7.20" || doc.Family != "ipv4" || doc.IPClass != facts.IPClassPrivate {
		t.Errorf("base document = %s %s %s %s", doc.SchemaVersion, doc.Address, doc.Family, doc.IPClass)
	}
	if len(doc.Ports) != 5 {
		t.Errorf("ports = %v", doc.Ports)
	}
	statuses := map[string]facts.Status{}
	for name, st := range doc.Collectors {
		statuses[name] = st.Status
	}
	wantStatuses := map[string]facts.Status{
		"snmp": facts.StatusOK, "http": facts.StatusOK, "ipp": facts.StatusOK, "boom": facts.StatusError,
		"stuck": facts.StatusTimeout, "refused": facts.StatusRefused, "first": facts.StatusOK, "second": facts.StatusError,
	}
	if diff := cmp.Diff(wantStatuses, statuses); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if doc.Banners != nil {
		t.Errorf("the stuck collector's scratch document was merged: %v", doc.Banners)
	}
	if doc.SNMP == nil || len(doc.Interfaces) != 1 || len(doc.Identity.Sources) != 1 || doc.Identity.DeviceID != "serial:2TQ01234" {
		t.Errorf("merge lost data: snmp=%v ifaces=%v sources=%v id=%s", doc.SNMP, doc.Interfaces, doc.Identity.Sources, doc.Identity.DeviceID)
	}
	wantClear := []facts.CleartextService{{Service: "ftp", Port: 21}, {Service: "raw", Port: 9100}, {Service: "http", Port: 80}, {Service: "ipp", Port: 631}}
	if diff := cmp.Diff(wantClear, doc.Cleartext); diff != "" {
		t.Errorf("cleartext (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"first", "second"}, order); diff != "" {
		t.Errorf("analyser order (-want +got):\n%s", diff)
	}
}

func TestBaseDocumentIPv6(t *testing.T) {
	doc := BaseDocument(&Target{Addr: netip.MustParseAddr("fd00::20")})
	if doc.Family != "ipv6" || doc.IPClass != facts.IPClassULA || doc.Identity.DeviceID != "address:fd00::20" || doc.Ports == nil || doc.Collectors == nil {
		t.Errorf("base document = %+v", doc)
	}
	mapped := BaseDocument(&Target{Addr: netip.MustParseAddr("::ffff:10.1.1.1")})
	if mapped.Family != "ipv4" || mapped.Address != "10.1.1.1" {
		t.Errorf("mapped address = %s %s", mapped.Family, mapped.Address)
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		err  error
		want facts.Status
	}{
		{nil, facts.StatusOK},
		{context.DeadlineExceeded, facts.StatusTimeout},
		{fmt.Errorf("read: %w", os.ErrDeadlineExceeded), facts.StatusTimeout},
		{fmt.Errorf("dial: %w", syscall.ECONNREFUSED), facts.StatusRefused},
		{fmt.Errorf("dial: %w", syscall.EHOSTUNREACH), facts.StatusFiltered},
		{errors.New("tls: handshake failure"), facts.StatusError},
	}
	for _, tt := range tests {
		if got, _ := Classify(tt.err); got != tt.want {
			t.Errorf("Classify(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
	long := errors.New(string(make([]byte, 1000)))
	if _, reason := Classify(long); len(reason) > maxReason+3 {
		t.Errorf("reason not capped: %d bytes", len(reason))
	}
}
