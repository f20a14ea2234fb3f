// Package tlsscan probes the TLS configuration of a device's TLS ports:
// protocol versions SSLv3 to TLS 1.3, accepted cipher suites, and the leaf
// certificate (factory Canon subject, weak Fermat-factorable RSA key).
package tlsscan

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/netip"
	"os"
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

var tlsVersions = []struct {
	key string
	v   uint16
}{
	{KeyTLS10, tls.VersionTLS10},
	{KeyTLS11, tls.VersionTLS11},
	{KeyTLS12, tls.VersionTLS12},
	{KeyTLS13, tls.VersionTLS13},
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
	results := make([]facts.TLSService, len(ports))
	var wg sync.WaitGroup
	for i, port := range ports {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// The engine recovers collector panics only on its own
			// goroutine; one hostile port must not take the scan down.
			defer func() {
				if r := recover(); r != nil {
					results[i] = facts.TLSService{Port: port, Status: facts.StatusError, Reason: fmt.Sprintf("internal error: %v", r)}
				}
			}()
			results[i] = ScanPort(ctx, env, t.Addr, port)
		}()
	}
	wg.Wait()
	for i, port := range ports {
		svc := results[i]
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

// ScanPort probes one port: every version, the suites of each, the leaf
// certificate.
func ScanPort(ctx context.Context, env *collectors.Env, addr netip.Addr, port int) facts.TLSService {
	svc := facts.TLSService{Port: port, Versions: map[string]bool{}, Ciphers: map[string][]facts.Cipher{},
		Evidence: "crypto/tls handshakes; raw ClientHello for SSLv3 and suites crypto/tls lacks"}
	address := net.JoinHostPort(addr.String(), strconv.Itoa(port))
	var firstErr error
	var leaf *x509.Certificate
	for _, tv := range tlsVersions {
		suites, cert, err := enumerate(ctx, env, address, tv.v)
		switch {
		case err != nil:
			firstErr = cmpErr(firstErr, err)
			continue
		case len(suites) == 0 && tv.v != tls.VersionTLS13:
			// crypto/tls lacks some suites (DHE, CAMELLIA, ...): ask once
			// more with a raw hello offering those too.
			ok, suite, err := probeRaw(ctx, env, address, tv.v, rawSuites(tv.v))
			if err != nil {
				firstErr = cmpErr(firstErr, err)
				continue
			}
			svc.Versions[tv.key] = ok
			if ok {
				svc.Ciphers[tv.key] = []facts.Cipher{cipherFact(suite)}
			}
			continue
		case len(suites) == 0:
			svc.Versions[tv.key] = false
			continue
		}
		svc.Versions[tv.key] = true
		svc.Ciphers[tv.key] = suites
		if leaf == nil {
			leaf = cert
		}
	}
	ok, suite, err := probeRaw(ctx, env, address, versionSSL3, sslv3Suites)
	if err != nil {
		firstErr = cmpErr(firstErr, err)
	} else {
		svc.Versions[KeySSL3] = ok
		if ok {
			svc.Ciphers[KeySSL3] = []facts.Cipher{cipherFact(suite)}
		}
	}
	if leaf != nil {
		c := CertificateFacts(leaf, nowOf(env))
		svc.Certificate = &c
	}
	if len(svc.Versions) == 0 {
		svc.Status, svc.Reason = collectors.Classify(firstErr)
		switch {
		case firstErr == nil:
			svc.Status, svc.Reason = facts.StatusError, "no version could be tested"
		case errors.Is(firstErr, errNotTLS):
			svc.Status, svc.Reason = facts.StatusError, "the port does not answer with TLS (garbage or truncated records)"
		}
		return svc
	}
	svc.Status = facts.StatusOK
	if len(svc.Ciphers) == 0 {
		svc.Ciphers = nil
	}
	return svc
}

func cmpErr(first, err error) error {
	if first == nil {
		return err
	}
	return first
}

// errNetwork marks failures that say nothing about the protocol (the port
// did not answer): the version is then left absent, not false.
var errNetwork = errors.New("network failure")

// errNotTLS marks a reply that is not TLS at all (garbage, or a record cut
// off mid-way). It is no verdict on any version: a port answering that way
// must not read as "TLS configured, legacy versions off".
var errNotTLS = errors.New("reply is not TLS")

func notTLS(err error) bool {
	var rh tls.RecordHeaderError
	return errors.As(err, &rh) || errors.Is(err, io.ErrUnexpectedEOF)
}

// enumerate finds the suites a server accepts at one version by offering
// everything crypto/tls has and removing each chosen suite in turn. An
// empty result with nil error means the version is refused.
func enumerate(ctx context.Context, env *collectors.Env, address string, version uint16) ([]facts.Cipher, *x509.Certificate, error) {
	offer := suitesFor(version)
	var found []facts.Cipher
	var leaf *x509.Certificate
	// Bounded: every round removes one suite from the offer.
	for round := 0; round <= len(suitesFor(version)); round++ {
		st, err := handshake(ctx, env, address, version, offer)
		if err != nil {
			if (errors.Is(err, errNetwork) || errors.Is(err, errNotTLS)) && len(found) == 0 {
				return nil, nil, err
			}
			break
		}
		if leaf == nil && len(st.PeerCertificates) > 0 {
			leaf = st.PeerCertificates[0]
		}
		found = append(found, cipherFact(st.CipherSuite))
		// TLS 1.3 suites are not configurable in crypto/tls: record the
		// negotiated one.
		if version == tls.VersionTLS13 || !slices.Contains(offer, st.CipherSuite) {
			break
		}
		offer = slices.DeleteFunc(offer, func(id uint16) bool { return id == st.CipherSuite })
		if len(offer) == 0 {
			break
		}
	}
	return found, leaf, nil
}

func handshake(ctx context.Context, env *collectors.Env, address string, version uint16, suites []uint16) (tls.ConnectionState, error) {
	ctx, cancel := context.WithTimeout(ctx, env.Timeout())
	defer cancel()
	raw, err := env.Dialer.DialContext(ctx, "tcp", address)
	if err != nil {
		return tls.ConnectionState{}, fmt.Errorf("dial %s: %w: %w", address, errNetwork, err)
	}
	defer raw.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = raw.SetDeadline(dl)
	}
	cfg := &tls.Config{
		InsecureSkipVerify: true, //nolint:gosec // inspecting the device, not trusting it
		MinVersion:         version,
		MaxVersion:         version,
		CipherSuites:       suites,
	}
	conn := tls.Client(raw, cfg)
	if err := conn.HandshakeContext(ctx); err != nil {
		if isTimeout(err) {
			return tls.ConnectionState{}, fmt.Errorf("handshake: %w: %w", errNetwork, err)
		}
		if notTLS(err) {
			return tls.ConnectionState{}, fmt.Errorf("handshake: %w: %w", errNotTLS, err)
		}
		return tls.ConnectionState{}, fmt.Errorf("handshake: %w", err)
	}
	return conn.ConnectionState(), nil
}

// rawSuites is what the raw-hello fallback offers at version: every suite
// crypto/tls knows plus the legacy ones it does not.
func rawSuites(version uint16) []uint16 {
	out := suitesFor(version)
	for _, id := range slices.Sorted(maps.Keys(legacySuites)) {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// probeRaw sends one hand-built ClientHello and reads the first record back.
func probeRaw(ctx context.Context, env *collectors.Env, address string, version uint16, suites []uint16) (bool, uint16, error) {
	ctx, cancel := context.WithTimeout(ctx, env.Timeout())
	defer cancel()
	conn, err := env.Dialer.DialContext(ctx, "tcp", address)
	if err != nil {
		return false, 0, fmt.Errorf("dial %s: %w", address, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	var random [32]byte
	_, _ = rand.Read(random[:])
	if _, err := conn.Write(BuildHello(version, random, suites)); err != nil {
		return false, 0, fmt.Errorf("send hello: %w", err)
	}
	buf := make([]byte, maxRecord)
	n, err := io.ReadAtLeast(conn, buf, 5)
	if err != nil {
		if isTimeout(err) {
			return false, 0, fmt.Errorf("read reply: %w", err)
		}
		// Closing on the hello is how many servers refuse a version.
		return false, 0, nil
	}
	// Read the rest of the first record if it came in pieces.
	if want := 5 + (int(buf[3])<<8 | int(buf[4])); n < want && want <= len(buf) {
		m, _ := io.ReadAtLeast(conn, buf[n:want], want-n)
		n += m
	}
	ok, suite, err := ParseHelloReply(buf[:n], version)
	if err != nil {
		// Something answered that is not SSL/TLS (or cut off mid-record):
		// that says nothing about this version.
		return false, 0, fmt.Errorf("read reply: %w: %w", errNotTLS, err)
	}
	return ok, suite, nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}
