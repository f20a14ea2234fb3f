package tlsscan

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"syscall"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
)

// maxParallel bounds the connections one port's enumeration keeps open at
// once; the engine's per-host dial limit bounds it again across ports.
const maxParallel = 6

// Flight size limits: a ServerHello fits in one record; the certificate
// probe reads up to the end of the server's chain.
const (
	helloLimit = 2 * maxRecord
	certLimit  = 256 << 10
)

var (
	// errNetwork marks failures that say nothing about the protocol: reset,
	// closed without an answer, timed out. The version stays unknown.
	errNetwork = errors.New("no answer")
	// errNotTLS marks a reply that is not TLS at all (garbage, or a record
	// cut off mid-way). It is no verdict on any version either.
	errNotTLS = errors.New("reply is not TLS")
	// errTooLarge marks a certificate chain over certLimit.
	errTooLarge = errors.New("certificate chain exceeds the size limit")
)

// porter probes one TLS port.
type porter struct {
	env     *collectors.Env
	address string
	name    string
	sem     chan struct{}
}

// exchange sends one ClientHello and reads the server's first flight: the
// ServerHello (or alert), and with wantCert the certificate chain after it.
func (p *porter) exchange(ctx context.Context, spec HelloSpec, wantCert bool) (Flight, error) {
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return Flight{}, fmt.Errorf("wait for connection slot: %w: %w", errNetwork, ctx.Err())
	}
	defer func() { <-p.sem }()
	// The dial waits for the engine's per-host slot under the caller's
	// context; only the exchange itself gets the per-probe timeout.
	conn, err := p.env.Dialer.DialContext(ctx, "tcp", p.address)
	if err != nil {
		return Flight{}, fmt.Errorf("dial %s: %w: %w", p.address, errNetwork, err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(p.env.Timeout()))
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	spec.ServerName = p.name
	var random [32]byte
	_, _ = rand.Read(random[:])
	if _, err := conn.Write(BuildClientHello(spec, random)); err != nil {
		return Flight{}, fmt.Errorf("send hello: %w: %w", errNetwork, err)
	}
	return readFlight(conn, wantCert)
}

func readFlight(conn io.Reader, wantCert bool) (Flight, error) {
	limit := helloLimit
	if wantCert {
		limit = certLimit
	}
	buf := make([]byte, 0, 8192)
	chunk := make([]byte, 16384)
	var f Flight
	for {
		// Never read past the limit: a chain just over it must not slip in
		// with the last read.
		n, rerr := conn.Read(chunk[:min(len(chunk), limit-len(buf))])
		buf = append(buf, chunk[:n]...)
		var complete bool
		var err error
		f, complete, err = ParseFlight(buf, wantCert)
		switch {
		case err != nil:
			return f, fmt.Errorf("read reply: %w: %w", errNotTLS, err)
		case complete:
			return f, nil
		case len(buf) >= limit && f.ServerHello:
			return f, fmt.Errorf("read reply: %d bytes: %w", len(buf), errTooLarge)
		case len(buf) >= limit:
			return f, fmt.Errorf("read reply: %d bytes without a ServerHello: %w", len(buf), errNotTLS)
		case rerr != nil:
			if len(buf) > 0 && !f.ServerHello && !f.Alert {
				// Something answered, then stopped mid-record or mid-message.
				if errors.Is(rerr, io.EOF) {
					return f, fmt.Errorf("read reply: %w: truncated reply: %w", errNotTLS, io.ErrUnexpectedEOF)
				}
			}
			return f, fmt.Errorf("read reply: %w: %w", errNetwork, rerr)
		}
	}
}

// verdict of one probe for the version and suites it offered.
type verdict int

const (
	unknown verdict = iota
	refused
	accepted
)

// judge reads a flight against what was offered. Only an alert or a
// ServerHello proves anything: a reset, a close or a timeout leaves the
// question open.
func judge(f Flight, err error, want uint16, offer []uint16) (verdict, string) {
	switch {
	case f.Alert:
		return refused, ""
	case !f.ServerHello:
		return unknown, describeErr(err)
	case f.Version != want:
		return refused, ""
	case !slices.Contains(offer, f.Suite):
		return unknown, fmt.Sprintf("server chose suite %#04x, which was not offered", f.Suite)
	}
	return accepted, ""
}

// describeErr names a probe failure for the facts' unknown map.
func describeErr(err error) string {
	switch {
	case err == nil:
		return "no answer"
	case errors.Is(err, errNotTLS):
		return "answer is not TLS"
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return "timed out"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, io.EOF):
		return "connection closed without an answer"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, context.Canceled):
		return "scan cancelled"
	}
	return err.Error()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}
