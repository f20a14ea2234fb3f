package tlsscan

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"slices"
	"strings"
)

// chunkSize is how many suites one ClientHello offers. Some stacks choke on
// long suite lists (testssl.sh stays under 128); 64 keeps a hello near 512
// bytes and needs 3 hellos for TLS 1.0 and 6 for TLS 1.2 to cover the
// registry, which run side by side.
const chunkSize = 64

// suitesForVersion lists what a hello for version offers: every registered
// suite up to TLS 1.2; before TLS 1.2 only the suites those versions define
// (no SHA-2 MAC, no AEAD), which no correct server would pick there anyway.
func suitesForVersion(version uint16) []uint16 {
	var out []uint16
	for _, s := range legacyIANASuites {
		if version < versionTLS12 && tls12Only(s.name) {
			continue
		}
		out = append(out, s.id)
	}
	return out
}

func tls12Only(name string) bool {
	d := DescribeSuite(name)
	return d.MAC == "SHA256" || d.MAC == "SHA384" || d.MAC == "AEAD"
}

// versionResult is what the enumeration of one version found.
type versionResult struct {
	state  verdict
	reason string // why unknown
	// incomplete says why an accepted version's suite list may miss some.
	incomplete string
	suites     []uint16
	// hello is one accepting ServerHello (for renegotiation_info).
	hello Flight
}

// enumerate offers every suite of version in chunks; within a chunk each
// accepted suite is removed and the rest offered again until the server
// refuses (sslscan's and testssl.sh's method).
func (p *porter) enumerate(ctx context.Context, version uint16) versionResult {
	all := suitesForVersion(version)
	var chunks [][]uint16
	for c := range slices.Chunk(all, chunkSize) {
		chunks = append(chunks, c)
	}
	// One hello first: a protocol_version alert (or a hello for another
	// version) refuses the whole version, and the other chunks need not be
	// sent. Modern devices refuse SSL 3.0-TLS 1.1 this way.
	f, _ := p.exchange(ctx, HelloSpec{Version: version, Suites: chunks[0]}, false)
	if (f.Alert && f.AlertDesc == alertProtocolVersion) || (f.ServerHello && f.Version != version) {
		return versionResult{state: refused}
	}
	return mergeChunks(parallel(len(chunks), func(i int) versionResult {
		return p.drain(ctx, version, slices.Clone(chunks[i]))
	}, internalError))
}

// drain offers offer until the server refuses, removing each suite it picks.
func (p *porter) drain(ctx context.Context, version uint16, offer []uint16) versionResult {
	var r versionResult
	for len(offer) > 0 {
		f, err := p.exchange(ctx, HelloSpec{Version: version, Suites: offer}, false)
		v, why := judge(f, err, version, offer)
		switch v {
		case accepted:
			r.suites = append(r.suites, f.Suite)
			if !r.hello.ServerHello {
				r.hello = f
			}
			offer = slices.DeleteFunc(offer, func(id uint16) bool { return id == f.Suite })
			continue
		case refused:
			r.state = refused
		default:
			r.state, r.reason = unknown, why
		}
		break
	}
	if len(offer) == 0 {
		r.state = refused // every suite of the chunk accepted: nothing left to ask
	}
	return r
}

// mergeChunks: a version is accepted when any chunk found a suite, refused
// only when every chunk ended in a refusal, unknown otherwise.
func mergeChunks(results []versionResult) versionResult {
	out := versionResult{state: refused}
	for _, r := range results {
		out.suites = append(out.suites, r.suites...)
		if !out.hello.ServerHello {
			out.hello = r.hello
		}
		if r.state == unknown && out.reason == "" {
			out.state, out.reason = unknown, r.reason
		}
	}
	if len(out.suites) > 0 {
		// A chunk that stopped on a reset or timeout leaves the list
		// incomplete even though the version is proven on.
		out.state, out.incomplete, out.reason = accepted, out.reason, ""
	}
	return out
}

// tls13Hello offers suites at TLS 1.3 with an X25519 key share and every
// group in supported_groups: a server without X25519 answers with a
// HelloRetryRequest, which names the suite just the same.
func tls13Hello(suites []uint16) HelloSpec {
	groups := make([]uint16, 0, len(groupNames))
	for _, g := range groupNames {
		groups = append(groups, g.id)
	}
	spec := HelloSpec{Version: versionTLS13, Suites: suites, Groups: groups}
	if k, err := ecdh.X25519().GenerateKey(rand.Reader); err == nil {
		spec.KeyShares = []KeyShare{{Group: GroupX25519, Key: k.PublicKey().Bytes()}}
	}
	return spec
}

func tls13IDs() []uint16 {
	out := make([]uint16, 0, len(tls13Suites))
	for _, s := range tls13Suites {
		out = append(out, s.id)
	}
	return out
}

// enumerate13 finds the TLS 1.3 suites, one removed per round.
func (p *porter) enumerate13(ctx context.Context) versionResult {
	return p.drainSpec(ctx, tls13IDs(), func(offer []uint16) HelloSpec { return tls13Hello(offer) })
}

func (p *porter) drainSpec(ctx context.Context, offer []uint16, spec func([]uint16) HelloSpec) versionResult {
	var r versionResult
	for len(offer) > 0 {
		f, err := p.exchange(ctx, spec(offer), false)
		v, why := judge(f, err, versionTLS13, offer)
		if v == accepted {
			r.suites = append(r.suites, f.Suite)
			offer = slices.DeleteFunc(offer, func(id uint16) bool { return id == f.Suite })
			continue
		}
		r.state, r.reason = v, why
		break
	}
	if len(r.suites) > 0 {
		if r.state == unknown {
			r.incomplete = r.reason
		}
		r.state, r.reason = accepted, ""
	}
	return r
}

// groups13 asks for each group alone, with no key share: a server that has
// the group must answer with a HelloRetryRequest naming it (or a
// ServerHello, from a server that guesses); one without it refuses.
func (p *porter) groups13(ctx context.Context, suites []uint16) (names []string, ok bool) {
	got := parallel(len(groupNames), func(i int) verdict {
		g := groupNames[i]
		f, err := p.exchange(ctx, HelloSpec{Version: versionTLS13, Suites: suites, Groups: []uint16{g.id}}, false)
		v, _ := judge(f, err, versionTLS13, suites)
		if v == accepted && f.HRR && f.Group != g.id {
			v = refused
		}
		return v
	}, func(int, any) verdict { return unknown })
	ok = true
	for i, v := range got {
		switch v {
		case accepted:
			names = append(names, groupNames[i].name)
		case unknown:
			ok = false
		}
	}
	return names, ok
}

// usableForCert drops suites that send no certificate (anonymous, PSK,
// SRP without RSA/DSS), so the certificate probe gets one.
func usableForCert(ids []uint16) []uint16 {
	var out []uint16
	for _, id := range ids {
		d := DescribeSuite(CipherName(id))
		if d.Auth == "anon" || d.Auth == "PSK" || d.Auth == "SRP" || strings.HasPrefix(d.Kex, "KRB5") {
			continue
		}
		out = append(out, id)
	}
	return out
}
