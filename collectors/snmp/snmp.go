// Package snmp is the SNMP collector: which versions answer, which
// well-known communities are accepted (GET only, never SET), the v3 engine ID,
// the identity OIDs and the addresses the device reports for itself.
package snmp

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"

	"github.com/gosnmp/gosnmp"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/facts"
)

// WellKnownCommunities are tried on every device, in order: the iR-ADV
// defaults (public read, private read-write) and the MF9100 fixed names.
var WellKnownCommunities = []string{"public", "private", "canon_admin", "canon_user"}

// Identity OIDs read with the first accepted community.
const (
	OIDSysDescr      = "1.3.6.1.2.1.1.1.0"
	OIDSysObjectID   = "1.3.6.1.2.1.1.2.0"
	OIDSysName       = "1.3.6.1.2.1.1.5.0"
	OIDCanonModel    = "1.3.6.1.4.1.1602.1.1.1.1.0"
	OIDCanonFirmware = "1.3.6.1.4.1.1602.1.1.1.4.0"
	OIDCanonSerial   = "1.3.6.1.4.1.1602.1.2.1.8.1.3.1.1"
	OIDPrtSerial     = "1.3.6.1.2.1.43.5.1.1.17.1"
	OIDHrDeviceDescr = "1.3.6.1.2.1.25.3.2.1.3.1"
	OIDPPMName       = "1.3.6.1.4.1.2699.1.2.1.2.1.1.2.1"

	oidIfPhysAddress = "1.3.6.1.2.1.2.2.1.6"
	oidIPAdEntAddr   = "1.3.6.1.2.1.4.20.1.1"
	oidIPAddressIf   = "1.3.6.1.2.1.4.34.1.3"
)

var identityOIDs = []string{
	OIDSysDescr, OIDSysObjectID, OIDSysName, OIDCanonModel, OIDCanonFirmware,
	OIDCanonSerial, OIDPrtSerial, OIDHrDeviceDescr, OIDPPMName,
	OIDPrtPrinterName, OIDHrDeviceType, OIDEntModelName, OIDEntSerial, OIDEntFirmwareRev, OIDEntSoftwareRev,
}

// maxWalk bounds every table walk: a printer has a handful of interfaces, and
// a looping agent must not keep us forever.
const maxWalk = 64

// Collector is the SNMP collector.
type Collector struct{}

// New returns the SNMP collector.
func New() collectors.Collector { return Collector{} }

// Name implements collectors.Collector.
func (Collector) Name() string { return "snmp" }

// community is one community to try and the name it is recorded under.
type community struct{ name, value string }

func communities(custom []string) []community {
	out := make([]community, 0, len(WellKnownCommunities)+len(custom))
	for _, c := range WellKnownCommunities {
		out = append(out, community{name: c, value: c})
	}
	for i, c := range custom {
		out = append(out, community{name: "custom-" + strconv.Itoa(i+1), value: c})
	}
	return out
}

// Collect implements collectors.Collector.
func (c Collector) Collect(ctx context.Context, env *collectors.Env, t *collectors.Target, out *facts.Device) facts.CollectorStatus {
	port := t.Roles.SNMPPort
	if port == 0 {
		port = 161
	}
	res := &facts.SNMP{Port: port, CommunitiesAccepted: []string{}}
	out.SNMP = res
	conn, err := env.Dialer.DialContext(ctx, "udp", net.JoinHostPort(t.Addr.String(), strconv.Itoa(port)))
	if err != nil {
		return finish(res, err)
	}
	defer conn.Close()
	s := newSession(conn, env.Timeout(), 1)

	p := &prober{s: s, res: res, list: communities(env.Options.Communities), tried: map[string]bool{}}
	first, err := p.probeCommunities(ctx)
	if p.batch != nil {
		out.Probes = append(out.Probes, p.probes(p.batch, p.v3, port)...)
	}
	if err != nil {
		return finish(res, err)
	}
	if first == nil && res.V3 == nil {
		// Nothing answered at all: no evidence an agent exists, so the
		// versions stay unknown rather than false.
		res.V1, res.V2c = nil, nil
		return finish(res, fmt.Errorf("probe snmp: %w", errNoReplyTimeout))
	}
	if res.V3 == nil {
		res.V3 = facts.Bool(false)
	}
	if first != nil {
		r := &reader{s: s, version: first.version, community: first.value, out: out}
		if err := r.readIdentity(ctx); err != nil {
			env.Log.Debug("snmp identity read incomplete", "err", err)
		}
		r.readInterfaces(ctx)
	}
	return finish(res, nil)
}

// errNoReplyTimeout marks "the agent never answered" as a timeout for
// collectors.Classify.
var errNoReplyTimeout = fmt.Errorf("%w to any community or the v3 probe: %w", errNoReply, context.DeadlineExceeded)

func finish(res *facts.SNMP, err error) facts.CollectorStatus {
	st, reason := collectors.Classify(err)
	res.Status, res.Reason = st, reason
	return facts.CollectorStatus{Status: st, Reason: reason}
}

// accepted is the community that opened the agent for the identity reads.
type accepted struct {
	version gosnmp.SnmpVersion
	value   string
}

type prober struct {
	s     *session
	res   *facts.SNMP
	list  []community
	tried map[string]bool
	// batch and v3 are the requests sent, for the probe records.
	batch *batch
	v3    *request
}

// probeCommunities sends, in one batch, a GET of sysDescr per well-known
// community for v2c and v1 plus the v3 discovery probe, so a device costs
// one timeout however many versions stay silent. Custom communities follow
// in a second batch only for versions no well-known community opened.
func (p *prober) probeCommunities(ctx context.Context) (*accepted, error) {
	n := len(WellKnownCommunities)
	versions := []gosnmp.SnmpVersion{gosnmp.Version2c, gosnmp.Version1}
	batch, err := p.newBatch(versions, p.list[:n])
	if err != nil {
		return nil, err
	}
	v3, err := p.s.discoveryRequest()
	if err != nil {
		return nil, err
	}
	all := append(batch.requests(), v3)
	if err := p.s.exchangeUntil(ctx, all, func() bool { return anyReply(all) }); err != nil {
		return nil, err
	}
	p.recordV3(v3)
	p.v3 = v3
	p.batch = batch
	if custom := p.list[n:]; len(custom) > 0 {
		var open []gosnmp.SnmpVersion
		for _, v := range versions {
			if len(batch.accepted(v)) == 0 {
				open = append(open, v)
			}
		}
		if len(open) > 0 {
			extra, err := p.newBatch(open, custom)
			if err != nil {
				return nil, err
			}
			reqs := extra.requests()
			if err := p.s.exchangeUntil(ctx, reqs, func() bool { return anyReply(all) || anyReply(reqs) }); err != nil {
				return nil, err
			}
			batch.items = append(batch.items, extra.items...)
		}
	}
	return p.record(batch, versions), nil
}

// record fills the version and community facts from the answered batch and
// returns the community that opens the identity reads (v2c first).
//
// A v1/v2c agent drops a request with a community it does not know without
// a word, so silence proves nothing about a version: it is true when any
// community answered, false only when the other version answered a
// community that this version ignored (same agent, same batch, so not loss
// or a wrong community), and unknown (nil) otherwise.
func (p *prober) record(b *batch, versions []gosnmp.SnmpVersion) *accepted {
	var first *accepted
	seen := map[string]bool{}
	answered := map[gosnmp.SnmpVersion]map[string]bool{}
	for _, v := range versions {
		answered[v] = map[string]bool{}
		for _, it := range b.accepted(v) {
			answered[v][it.c.name] = true
		}
	}
	for _, v := range versions {
		names := b.accepted(v)
		known := verdict(answered, v, b)
		if v == gosnmp.Version1 {
			p.res.V1 = known
		} else {
			p.res.V2c = known
		}
		for _, it := range names {
			if !seen[it.c.name] {
				seen[it.c.name] = true
				p.res.CommunitiesAccepted = append(p.res.CommunitiesAccepted, it.c.name)
			}
		}
		if len(names) > 0 && first == nil {
			first = &accepted{version: v, value: names[0].c.value}
			if len(names[0].r.reply.Variables) == 1 {
				p.res.SysDescr, _ = ValueString(names[0].r.reply.Variables[0])
			}
		}
	}
	p.res.CommunitiesTried = len(p.tried)
	return first
}

// verdict is version v's answer (see record): true, false when another
// version answered a community that v was asked with and ignored, else nil.
func verdict(answered map[gosnmp.SnmpVersion]map[string]bool, v gosnmp.SnmpVersion, b *batch) *bool {
	if len(answered[v]) > 0 {
		return facts.Bool(true)
	}
	asked := map[string]bool{}
	for _, it := range b.items {
		if it.v == v {
			asked[it.c.name] = true
		}
	}
	for other, names := range answered {
		if other == v {
			continue
		}
		for name := range names {
			if asked[name] {
				return facts.Bool(false)
			}
		}
	}
	return nil
}

// probes lists every request of the batch and the v3 discovery with its
// outcome. Custom communities are named custom-N, never by value.
func (p *prober) probes(b *batch, v3 *request, port int) []facts.Probe {
	log := collectors.NewProbeLog("snmp")
	for _, it := range b.items {
		log.Status(fmt.Sprintf("%s get sysDescr community=%s", versionName(it.v), it.c.name), port, "udp", replyStatus(it.r), "")
	}
	if v3 != nil {
		log.Status("v3 engine discovery", port, "udp", replyStatus(v3), "")
	}
	return log.List
}

func versionName(v gosnmp.SnmpVersion) string {
	if v == gosnmp.Version1 {
		return "v1"
	}
	return "v2c"
}

// replyStatus: UDP shows no refusal, so a request is answered or timed out.
func replyStatus(r *request) facts.Status {
	if r.reply != nil {
		return facts.StatusOK
	}
	return facts.StatusTimeout
}

// batch is a set of community GETs across versions.
type batch struct{ items []batchItem }

type batchItem struct {
	v gosnmp.SnmpVersion
	c community
	r *request
}

func (p *prober) newBatch(versions []gosnmp.SnmpVersion, list []community) (*batch, error) {
	b := &batch{}
	for _, v := range versions {
		for _, c := range list {
			p.tried[c.name] = true
			r, err := p.s.communityRequest(v, c.value, gosnmp.GetRequest, []string{OIDSysDescr})
			if err != nil {
				return nil, err
			}
			b.items = append(b.items, batchItem{v: v, c: c, r: r})
		}
	}
	return b, nil
}

func (b *batch) requests() []*request {
	out := make([]*request, len(b.items))
	for i, it := range b.items {
		out[i] = it.r
	}
	return out
}

// accepted lists, in list order, the communities version v answered. An
// agent that answers with an error status (e.g. a v1 agent without
// sysDescr) still accepted the community.
func (b *batch) accepted(v gosnmp.SnmpVersion) []batchItem {
	var out []batchItem
	for _, it := range b.items {
		if it.v == v && it.r.reply != nil && it.r.reply.PDUType == gosnmp.GetResponse {
			out = append(out, it)
		}
	}
	return out
}

func anyReply(reqs []*request) bool {
	for _, r := range reqs {
		if r.reply != nil {
			return true
		}
	}
	return false
}

// recordV3 reads the discovery probe's answer. Any Report or Response means
// the agent speaks v3.
func (p *prober) recordV3(r *request) {
	if r.reply == nil {
		p.res.V3 = nil
		return
	}
	p.res.V3 = facts.Bool(true)
	if usm, ok := r.reply.SecurityParameters.(*gosnmp.UsmSecurityParameters); ok {
		if id, err := ParseEngineID([]byte(usm.AuthoritativeEngineID)); err == nil {
			p.res.EngineID = id.Hex
			p.res.EngineEnterprise = id.Enterprise
		}
	}
}

// classifyAddr returns the interface entry for a reported address; ok is
// false for addresses that say nothing about the device (unspecified).
func classifyAddr(raw string, source string) (facts.Interface, bool) {
	addr, err := netip.ParseAddr(raw)
	if err != nil || addr.IsUnspecified() {
		return facts.Interface{}, false
	}
	addr = addr.Unmap()
	return facts.Interface{Address: addr.String(), IPClass: facts.Classify(addr), Source: source}, true
}
