// Package banner is the banner collector: it reads the greeting of FTP,
// SMTP and Telnet services without logging in, and only connects to LPD and
// raw print ports, unless the operator opted in to the PJL INFO ID probe.
package banner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/facts"
)

// Collector is the banner collector.
type Collector struct{}

// New returns the banner collector.
func New() collectors.Collector { return Collector{} }

// Name implements collectors.Collector.
func (Collector) Name() string { return "banner" }

// probe is one port to visit and how.
type probe struct {
	port int
	role string
}

// Collect implements collectors.Collector.
func (Collector) Collect(ctx context.Context, env *collectors.Env, t *collectors.Target, out *facts.Device) facts.CollectorStatus {
	var probes []probe
	for _, role := range []string{collectors.RoleFTP, collectors.RoleSMTP, collectors.RoleTelnet, collectors.RoleLPD, collectors.RoleRaw} {
		for _, p := range t.OpenTCP(role) {
			probes = append(probes, probe{port: p, role: role})
		}
	}
	if len(probes) == 0 {
		return facts.CollectorStatus{Status: facts.StatusSkipped, Reason: "no ftp, smtp, telnet, lpd or raw port open"}
	}
	banners := make([]facts.Banner, len(probes))
	var wg sync.WaitGroup
	for i, p := range probes {
		wg.Go(func() { banners[i] = grab(ctx, env, t.Addr.String(), p) })
	}
	wg.Wait()

	status := facts.CollectorStatus{Status: banners[0].Status, Reason: banners[0].Reason}
	log := collectors.NewProbeLog("banner")
	for _, b := range banners {
		out.Banners = append(out.Banners, b)
		log.Status(probeName(b.Service), b.Port, "tcp", b.Status, b.Reason)
		if b.Status == facts.StatusOK {
			status = facts.CollectorStatus{Status: facts.StatusOK}
		}
		for _, h := range Hints(b.Service, b.Text) {
			out.Identity.Sources = append(out.Identity.Sources, facts.IdentityHint{
				Field: h.Field, Value: h.Value, Confidence: facts.Confidence(h.Confidence),
				Source: fmt.Sprintf("banner:%s:%d", b.Service, b.Port),
			})
		}
	}
	out.Probes = append(out.Probes, log.List...)
	return status
}

// probeName says what was asked of a port: print ports get a bare connect
// (nothing written), PJL its INFO ID, the others have their greeting read.
func probeName(service string) string {
	switch service {
	case collectors.RoleLPD, collectors.RoleRaw:
		return "connect (nothing sent)"
	case "pjl":
		return "@PJL INFO ID"
	}
	return "read " + service + " greeting"
}

// grab visits one port. Services that greet are read and politely closed;
// print ports are connect-only unless ProbePJL.
func grab(ctx context.Context, env *collectors.Env, host string, p probe) facts.Banner {
	b := facts.Banner{Port: p.port, Service: p.role}
	if p.role == collectors.RoleRaw && env.Options.ProbePJL {
		b.Service = "pjl"
	}
	timeout := env.Options.Timeout
	if timeout <= 0 {
		timeout = 3 * time.Second
	}
	dialCtx := ctx
	if b.Service == "pjl" {
		// The one write a print port may receive, on the port it names.
		dialCtx = collectors.GrantPJL(ctx, p.port)
	}
	conn, err := env.Dialer.DialContext(dialCtx, "tcp", net.JoinHostPort(host, strconv.Itoa(p.port)))
	if err != nil {
		b.Status, b.Reason = collectors.Classify(err)
		return b
	}
	defer conn.Close()

	var data []byte
	switch b.Service {
	case collectors.RoleLPD, collectors.RoleRaw:
		b.Status = facts.StatusOK
		return b
	case "pjl":
		if err := send(conn, timeout, collectors.PJLInfoID); err != nil {
			b.Status, b.Reason = collectors.Classify(err)
			return b
		}
		data, err = readUntil(ctx, conn, timeout, PJLComplete)
	case collectors.RoleTelnet:
		data, err = readUntil(ctx, conn, timeout, telnetPrompt)
		data = StripTelnet(data)
	default:
		data, err = readUntil(ctx, conn, timeout, ReplyComplete)
		// Best effort: a greeting already read is the result either way.
		_ = send(conn, timeout, "QUIT\r\n")
	}
	b.Text = CleanText(data)
	if b.Service == "pjl" {
		if id, ok := ParsePJLID(data); ok {
			b.Text = id
		}
	}
	b.Status, b.Reason = readStatus(data, err)
	return b
}

// readStatus: bytes received make the grab a success even if the service
// then went quiet; nothing received keeps the error's status.
func readStatus(data []byte, err error) (facts.Status, string) {
	if len(data) > 0 {
		return facts.StatusOK, ""
	}
	if err == nil {
		err = errors.New("no greeting")
	}
	return collectors.Classify(err)
}

func send(conn net.Conn, timeout time.Duration, msg string) error {
	if err := conn.SetWriteDeadline(time.Now().Add(timeout)); err != nil {
		return fmt.Errorf("set write deadline: %w", err)
	}
	if _, err := conn.Write([]byte(msg)); err != nil {
		return fmt.Errorf("write probe: %w", err)
	}
	return nil
}

// telnetPrompt: a login or command prompt ends the greeting.
func telnetPrompt(buf []byte) bool {
	text := StripTelnet(buf)
	for len(text) > 0 && (text[len(text)-1] == ' ') {
		text = text[:len(text)-1]
	}
	if len(text) == 0 {
		return false
	}
	switch text[len(text)-1] {
	case ':', '>', '#', '$':
		return true
	}
	return false
}

// readUntil reads until done(buf) holds, MaxRead bytes, EOF, the deadline
// or ctx ends. It returns what it read with the error that stopped it; EOF
// is not an error.
func readUntil(ctx context.Context, conn net.Conn, timeout time.Duration, done func([]byte) bool) ([]byte, error) {
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := conn.SetReadDeadline(deadline); err != nil {
		return nil, fmt.Errorf("set read deadline: %w", err)
	}
	buf := make([]byte, 0, 512)
	chunk := make([]byte, 512)
	for len(buf) < MaxRead {
		n, err := conn.Read(chunk[:min(len(chunk), MaxRead-len(buf))])
		buf = append(buf, chunk[:n]...)
		if done(buf) {
			return buf, nil
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return buf, nil
			}
			return buf, fmt.Errorf("read greeting: %w", err)
		}
	}
	return buf, nil
}
