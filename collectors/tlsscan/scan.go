// Package tlsscan probes the TLS configuration of a device's TLS ports:
// protocol versions SSLv3 to TLS 1.3, accepted cipher suites, and the leaf
// certificate (factory Canon subject, weak Fermat-factorable RSA key).
package tlsscan

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/facts"
)

// Version keys of facts.TLSService.Versions.
const (
	KeySSL3  = "ssl3"
	KeyTLS10 = "tls1_0"
	KeyTLS11 = "tls1_1"
	KeyTLS12 = "tls1_2"
	KeyTLS13 = "tls1_3"
)

// legacyVersions are enumerated by suite; TLS 1.3 separately.
var legacyVersions = []struct {
	key string
	v   uint16
}{
	{KeySSL3, versionSSL3},
	{KeyTLS10, versionTLS10},
	{KeyTLS11, versionTLS11},
	{KeyTLS12, versionTLS12},
}

type collector struct{}

// New returns the TLS collector.
func New() collectors.Collector { return collector{} }

func (collector) Name() string { return "tls" }

func (collector) Collect(ctx context.Context, env *collectors.Env, t *collectors.Target, out *facts.Device) facts.CollectorStatus {
	summary := collectors.NewPortSummary()
	var ports []int
	for _, role := range []string{collectors.RoleHTTPS, collectors.RoleIPPS, collectors.RoleLDAPS, collectors.RoleIPP} {
		ports = append(ports, t.OpenTCP(role)...)
	}
	slices.Sort(ports)
	if len(ports) == 0 {
		return summary.Status(facts.CollectorStatus{Status: facts.StatusClosed, Reason: "no open TLS port"})
	}
	// Ports are probed side by side: each is a sequence of handshakes that
	// waits on the device, and the engine's per-host dial limit still
	// bounds how many connections the device sees at once.
	results := parallel(len(ports), func(i int) facts.TLSService {
		return ScanPort(ctx, env, t.Addr, ports[i])
	}, func(i int, v any) facts.TLSService {
		return facts.TLSService{Port: ports[i], Status: facts.StatusError, Reason: fmt.Sprintf("internal error: %v", v)}
	})
	log := collectors.NewProbeLog("tls")
	defer func() { out.Probes = append(out.Probes, log.List...) }()
	for i, port := range ports {
		svc := results[i]
		recordVersions(log, svc)
		// IPP on 631 may be plain: no TLS version accepted means it is not
		// a TLS port, which the IPP collector reports.
		if t.Roles.TCP[port] == collectors.RoleIPP && !anyAccepted(svc.Versions) {
			continue
		}
		out.TLS = append(out.TLS, svc)
		summary.Add(port, svc.Status, svc.Reason)
	}
	return summary.Status(facts.CollectorStatus{Status: facts.StatusSkipped, Reason: "ipp port does not speak TLS"})
}

// recordVersions lists the ClientHello of each version sent to a port: an
// accepted or refused version was answered, an undecided one ended as its
// reason says.
func recordVersions(log *collectors.ProbeLog, svc facts.TLSService) {
	for _, k := range []string{KeySSL3, KeyTLS10, KeyTLS11, KeyTLS12, KeyTLS13} {
		name := "ClientHello " + k
		if _, ok := svc.Versions[k]; ok {
			log.Status(name, svc.Port, "tcp", facts.StatusOK, "")
			continue
		}
		reason, ok := svc.Unknown[k]
		if !ok {
			reason = svc.Reason
		}
		st, detail := statusOf(reason)
		log.Status(name, svc.Port, "tcp", st, detail)
	}
}

func anyAccepted(v map[string]bool) bool {
	for _, ok := range v {
		if ok {
			return true
		}
	}
	return false
}

func nowOf(env *collectors.Env) time.Time {
	if env.Options.Now != nil {
		return env.Options.Now()
	}
	return time.Now()
}

// Evidence names the method in the facts.
const Evidence = "raw ClientHellos: every IANA suite per version in chunks of 64, TLS 1.3 suites and groups; certificate from the TLS 1.2 flight or crypto/tls"

// ScanPort probes one port: every version, the suites of each, the leaf
// certificate and the server's handling of preference, compression,
// renegotiation and fallback.
func ScanPort(ctx context.Context, env *collectors.Env, addr netip.Addr, port int) facts.TLSService {
	return ScanPortName(ctx, env, addr, "", port)
}

// ScanPortName is ScanPort with a host name for SNI.
func ScanPortName(ctx context.Context, env *collectors.Env, addr netip.Addr, name string, port int) facts.TLSService {
	p := &porter{env: env, address: net.JoinHostPort(addr.String(), strconv.Itoa(port)), name: name,
		sem: make(chan struct{}, maxParallel)}
	svc := facts.TLSService{Port: port, Versions: map[string]bool{}, Ciphers: map[string][]facts.Cipher{},
		Unknown: map[string]string{}, Evidence: Evidence}

	if reason, stop := p.pilot(ctx); stop {
		// A silent port or one that does not speak TLS would make every
		// probe wait or fail the same way: say so once instead.
		for _, k := range []string{KeySSL3, KeyTLS10, KeyTLS11, KeyTLS12, KeyTLS13} {
			svc.Unknown[k] = reason
		}
		svc.Ciphers = nil
		svc.Status, svc.Reason = statusOf(reason)
		return svc
	}
	// One result per legacy version, then TLS 1.3's.
	results := parallel(len(legacyVersions)+1, func(i int) versionResult {
		if i == len(legacyVersions) {
			return p.enumerate13(ctx)
		}
		return p.enumerate(ctx, legacyVersions[i].v)
	}, internalError)

	keys := []string{KeySSL3, KeyTLS10, KeyTLS11, KeyTLS12, KeyTLS13}
	var firstReason string
	for i, r := range results {
		k := keys[i]
		switch r.state {
		case accepted:
			svc.Versions[k] = true
			for _, id := range r.suites {
				svc.Ciphers[k] = append(svc.Ciphers[k], cipherFact(id))
			}
			if r.incomplete != "" {
				svc.Unknown[k] = "suite list incomplete: " + r.incomplete
			}
		case refused:
			svc.Versions[k] = false
		default:
			svc.Unknown[k] = r.reason
			if firstReason == "" {
				firstReason = r.reason
			}
		}
	}
	p.extras(ctx, &svc, results)
	if len(svc.Ciphers) == 0 {
		svc.Ciphers = nil
	}
	if len(svc.Unknown) == 0 {
		svc.Unknown = nil
	}
	if len(svc.Versions) == 0 {
		svc.Status, svc.Reason = statusOf(firstReason)
		return svc
	}
	svc.Status = facts.StatusOK
	return svc
}

// pilot sends a TLS 1.2 and a TLS 1.3 hello side by side. When neither
// gets an answer in time, or both get something that is not TLS, the full
// enumeration is not worth its ~50 connections. Resets and closes do not
// stop it: they are quick, and another version may still answer.
func (p *porter) pilot(ctx context.Context) (string, bool) {
	specs := []HelloSpec{
		{Version: versionTLS12, Suites: suitesForVersion(versionTLS12)[:chunkSize]},
		tls13Hello(tls13IDs()),
	}
	// A panicked pilot decided nothing and gives no reason to skip.
	outcomes := parallel(len(specs), func(i int) pilotOutcome {
		f, err := p.exchange(ctx, specs[i], false)
		v, why := judge(f, err, specs[i].Version, specs[i].Suites)
		return pilotOutcome{decided: v != unknown, reason: why}
	}, func(int, any) pilotOutcome { return pilotOutcome{} })
	for _, o := range outcomes {
		if o.decided || o.reason != "timed out" && o.reason != "answer is not TLS" {
			return "", false
		}
	}
	return outcomes[0].reason, true
}

// pilotOutcome is what one pilot hello learnt.
type pilotOutcome struct {
	decided bool
	reason  string
}

// statusOf maps the reason no version could be decided to a status.
func statusOf(reason string) (facts.Status, string) {
	switch reason {
	case "timed out":
		return facts.StatusTimeout, "no version could be decided: every probe timed out"
	case "connection refused":
		return facts.StatusRefused, "connection refused"
	case "answer is not TLS":
		return facts.StatusError, "the port does not answer with TLS (garbage or truncated records)"
	case "":
		return facts.StatusError, "no version could be tested"
	}
	return facts.StatusError, "no version could be decided: " + reason
}

// extras runs the probes that need the enumeration's answers, side by side:
// certificate, server preference, compression, fallback SCSV, TLS 1.3
// groups.
func (p *porter) extras(ctx context.Context, svc *facts.TLSService, results []versionResult) {
	// Highest and second-highest accepted versions up to TLS 1.2.
	hi, lo := -1, -1
	for i := len(legacyVersions) - 1; i >= 0; i-- {
		if results[i].state != accepted {
			continue
		}
		if hi < 0 {
			hi = i
		} else if lo < 0 {
			lo = i
		}
	}
	tls13 := results[len(legacyVersions)]
	var wg sync.WaitGroup
	run := func(f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { _ = recover() }() // the fact stays unknown
			f()
		}()
	}
	if hi >= 0 {
		hv, suites := legacyVersions[hi].v, results[hi].suites
		run(func() { p.certificate12(ctx, svc, hv, suites) })
		if len(suites) >= 2 {
			run(func() { svc.ServerPreference = p.preference(ctx, hv, suites) })
		}
		run(func() { svc.Compression = p.compression(ctx, hv, suites) })
		if h := results[hi].hello; h.ServerHello && hv != versionSSL3 {
			svc.SecureRenegotiation = facts.Bool(h.SecureRenegotiation)
		}
	} else if tls13.state == accepted {
		run(func() { p.certificate13(ctx, svc) })
	}
	// A downgrade is only possible below the server's highest version.
	switch {
	case tls13.state == accepted && hi >= 0:
		run(func() { svc.DowngradeAccepted = p.fallback(ctx, legacyVersions[hi].v, results[hi].suites) })
	case tls13.state != unknown && lo >= 0:
		run(func() { svc.DowngradeAccepted = p.fallback(ctx, legacyVersions[lo].v, results[lo].suites) })
	}
	if tls13.state == accepted {
		run(func() {
			if g, ok := p.groups13(ctx, tls13.suites); ok || len(g) > 0 {
				svc.Groups = g
			}
		})
	}
	wg.Wait()
}

// certificate12 reads the chain from a TLS 1.2-or-older flight, which
// carries it in clear.
func (p *porter) certificate12(ctx context.Context, svc *facts.TLSService, version uint16, suites []uint16) {
	withCert := usableForCert(suites)
	if len(withCert) == 0 {
		svc.CertificateReason = "only suites without a certificate (anonymous, PSK) are accepted"
		return
	}
	f, err := p.exchange(ctx, HelloSpec{Version: version, Suites: withCert}, true)
	switch {
	case errors.Is(err, errTooLarge):
		svc.CertificateReason = fmt.Sprintf("certificate chain exceeds %d bytes", certLimit)
		return
	case err != nil || len(f.Certificates) == 0:
		svc.CertificateReason = "no certificate received: " + describeErr(err)
		return
	}
	c, err := ParseCertificate(f.Certificates[0], nowOf(p.env))
	if err != nil {
		svc.CertificateReason = sanitize(err.Error(), 200)
		return
	}
	svc.Certificate = &c
}

// certificate13 completes a crypto/tls handshake for a TLS 1.3-only port,
// whose certificate travels encrypted.
func (p *porter) certificate13(ctx context.Context, svc *facts.TLSService) {
	p.sem <- struct{}{}
	defer func() { <-p.sem }()
	raw, err := p.env.Dialer.DialContext(ctx, "tcp", p.address)
	if err != nil {
		svc.CertificateReason = "no certificate received: " + describeErr(err)
		return
	}
	defer raw.Close()
	_ = raw.SetDeadline(time.Now().Add(p.env.Timeout()))
	var leaf *x509.Certificate
	conn := tls.Client(raw, &tls.Config{
		InsecureSkipVerify: true, //nolint:gosec // inspecting the device, not trusting it
		MinVersion:         tls.VersionTLS13,
		ServerName:         sniName(p.name),
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) > 0 {
				leaf = cs.PeerCertificates[0]
			}
			return nil
		},
	})
	if err := conn.HandshakeContext(ctx); err != nil && leaf == nil {
		svc.CertificateReason = sanitize("no certificate received: "+err.Error(), 200)
		return
	}
	c := CertificateFacts(leaf, nowOf(p.env))
	svc.Certificate = &c
}

// preference offers the accepted suites in one order, then reversed: a
// server that picks the same suite both times orders by its own list.
func (p *porter) preference(ctx context.Context, version uint16, suites []uint16) *bool {
	rev := slices.Clone(suites)
	slices.Reverse(rev)
	var first, second uint16
	for i, offer := range [][]uint16{suites, rev} {
		f, err := p.exchange(ctx, HelloSpec{Version: version, Suites: offer}, false)
		if v, _ := judge(f, err, version, offer); v != accepted {
			return nil
		}
		if i == 0 {
			first = f.Suite
		} else {
			second = f.Suite
		}
	}
	return facts.Bool(first == second)
}

// compression offers DEFLATE ahead of null compression.
func (p *porter) compression(ctx context.Context, version uint16, suites []uint16) *bool {
	f, err := p.exchange(ctx, HelloSpec{Version: version, Suites: suites, Deflate: true}, false)
	if v, _ := judge(f, err, version, suites); v != accepted {
		return nil
	}
	return facts.Bool(f.Compression != 0)
}

// fallback sends a hello below the server's best version carrying
// TLS_FALLBACK_SCSV: the server must refuse it with inappropriate_fallback.
func (p *porter) fallback(ctx context.Context, version uint16, suites []uint16) *bool {
	f, err := p.exchange(ctx, HelloSpec{Version: version, Suites: suites, Fallback: true}, false)
	if f.Alert && f.AlertDesc == alertInappropriateFallbk {
		return facts.Bool(false)
	}
	if v, _ := judge(f, err, version, suites); v == accepted {
		return facts.Bool(true)
	}
	return nil
}
