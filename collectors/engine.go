package collectors

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"reflect"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/mfpscan/mfpscan/facts"
)

// Engine turns one Target into one facts document: it runs every protocol
// Collector concurrently on a private scratch document, merges them, derives
// the cleartext services, then runs the Analysers in order.
type Engine struct {
	opts       Options
	collectors []Collector
	analysers  []Analyser
	log        *slog.Logger

	// Dialer is what collectors dial through; NewEngine sets a NewDialer
	// with Options.Timeout (DefaultTimeout if unset) and 4 connections per
	// host.
	Dialer Dialer
	// HostTimeout bounds all collectors of one host together. NewEngine
	// sets 30 × Options.Timeout (at least 10 s).
	HostTimeout time.Duration
}

// NewEngine returns an engine for the given collectors and analysers. A nil
// log discards.
func NewEngine(opts Options, collectors []Collector, analysers []Analyser, log *slog.Logger) *Engine {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = newRedactLogger(log, opts.secrets())
	host := 30 * opts.Timeout
	if host < 10*time.Second {
		host = 10 * time.Second
	}
	return &Engine{
		opts:        opts,
		collectors:  collectors,
		analysers:   analysers,
		log:         log,
		Dialer:      NewDialer(opts.Timeout, 4),
		HostTimeout: host,
	}
}

// collected is one collector's outcome: its status and scratch document.
type collected struct {
	index  int
	status facts.CollectorStatus
	doc    *facts.Device
}

// Collect runs the collectors and analysers on t and returns its document.
// It always returns a document: a collector that fails, panics or overruns
// the host deadline is recorded with that status.
func (e *Engine) Collect(ctx context.Context, t *Target) *facts.Device {
	doc := BaseDocument(t)
	// The print-port guard sits between every collector and the dialer, so
	// no collector, redirect or analyser can write to a print port.
	dialer := GuardPrintPorts(e.Dialer, t.Roles, e.opts.ProbePJL)
	env := &Env{Dialer: dialer, Options: e.opts, Log: e.log.With("host", t.Addr.String())}

	hostCtx, cancel := context.WithTimeout(ctx, e.HostTimeout)
	defer cancel()
	results := e.runCollectors(hostCtx, env, t)
	for i, c := range e.collectors {
		r := results[i]
		if r.doc != nil {
			merge(doc, r.doc)
		}
		doc.Collectors[c.Name()] = r.status
	}
	doc.Cleartext = append(doc.Cleartext, DeriveCleartext(t, doc)...)

	// Analysers are local computation on the merged document, so they get
	// the caller's context rather than the possibly spent host deadline.
	for _, a := range e.analysers {
		doc.Collectors[a.Name()] = runAnalyser(ctx, a, env, t, doc)
	}
	// Last, so no collector or analyser can leave a secret a device
	// echoed back (a sysDescr repeating the community, a banner, a title).
	RedactDocument(doc, e.opts.secrets())
	return doc
}

const hostDeadlineReason = "host deadline exceeded"

// runCollectors starts every collector and waits for all of them, or for the
// host deadline plus one exchange timeout of grace. A collector still running
// then is recorded as timed out and its scratch document is never read.
func (e *Engine) runCollectors(ctx context.Context, env *Env, t *Target) []collected {
	out := make([]collected, len(e.collectors))
	ch := make(chan collected, len(e.collectors))
	for i, c := range e.collectors {
		out[i] = collected{index: i, status: facts.CollectorStatus{Status: facts.StatusTimeout, Reason: hostDeadlineReason}}
		go func() { ch <- runCollector(ctx, i, c, env, t) }()
	}
	var grace <-chan time.Time
	for pending := len(e.collectors); pending > 0; {
		select {
		case r := <-ch:
			out[r.index] = r
			pending--
		case <-ctx.Done():
			if grace == nil {
				grace = time.After(e.opts.Timeout)
			}
		case <-grace:
			e.log.Warn("collectors overran the host deadline", "host", t.Addr, "pending", pending)
			if errors.Is(ctx.Err(), context.Canceled) {
				// Stopped by the run, not by the device being slow.
				for i := range out {
					if out[i].doc == nil && out[i].status.Reason == hostDeadlineReason {
						out[i].status.Reason = "interrupted before the collector finished"
					}
				}
			}
			return out
		}
	}
	return out
}

func runCollector(ctx context.Context, i int, c Collector, env *Env, t *Target) (r collected) {
	start := time.Now()
	scratch := &facts.Device{Collectors: map[string]facts.CollectorStatus{}}
	r = collected{index: i, doc: scratch}
	defer func() {
		if p := recover(); p != nil {
			env.Log.Error("collector panicked", "collector", c.Name(), "panic", p, "stack", string(debug.Stack()))
			r.doc = nil
			r.status = facts.CollectorStatus{Status: facts.StatusError, Reason: fmt.Sprintf("panic: %v", p)}
		}
		r.status.DurationMS = max(r.status.DurationMS, time.Since(start).Milliseconds())
	}()
	r.status = c.Collect(ctx, env, t, scratch)
	return r
}

func runAnalyser(ctx context.Context, a Analyser, env *Env, t *Target, doc *facts.Device) (st facts.CollectorStatus) {
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			env.Log.Error("analyser panicked", "analyser", a.Name(), "panic", p, "stack", string(debug.Stack()))
			st = facts.CollectorStatus{Status: facts.StatusError, Reason: fmt.Sprintf("panic: %v", p)}
		}
		st.DurationMS = max(st.DurationMS, time.Since(start).Milliseconds())
	}()
	return a.Analyse(ctx, env, t, doc)
}

// BaseDocument is the document every host starts from: what discovery knows,
// with the address as the device ID until an analyser finds better.
func BaseDocument(t *Target) *facts.Device {
	addr := t.Addr.Unmap()
	family := "ipv6"
	if addr.Is4() {
		family = "ipv4"
	}
	return &facts.Device{
		SchemaVersion: facts.SchemaVersion,
		Address:       addr.String(),
		Family:        family,
		IPClass:       facts.Classify(addr),
		Identity:      facts.Identity{DeviceID: "address:" + addr.String(), Sources: append([]facts.IdentityHint(nil), t.Hints...)},
		Ports:         append([]facts.Port{}, t.Ports...),
		Collectors:    map[string]facts.CollectorStatus{},
	}
}

// merge copies what one collector wrote into the shared document. Each
// protocol owns its fields, so it goes field by field over facts.Device by
// reflection (see mergeValue): a field added for a new collector is merged
// without anyone remembering to list it here.
func merge(dst, src *facts.Device) {
	mergeValue(reflect.ValueOf(dst).Elem(), reflect.ValueOf(src).Elem())
}

// mergeValue merges src into dst: lists append, maps add their keys, structs
// merge field by field, and any other field (pointer, string, number, bool)
// is set when the collector filled it. A collector that leaves a field zero
// never clears what another one wrote.
func mergeValue(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Slice:
		if src.Len() > 0 {
			dst.Set(reflect.AppendSlice(dst, src))
		}
	case reflect.Map:
		if src.Len() == 0 {
			return
		}
		if dst.IsNil() {
			dst.Set(reflect.MakeMapWithSize(src.Type(), src.Len()))
		}
		for it := src.MapRange(); it.Next(); {
			dst.SetMapIndex(it.Key(), it.Value())
		}
	case reflect.Struct:
		if src.Type() == reflect.TypeFor[time.Time]() {
			if !src.IsZero() {
				dst.Set(src)
			}
			return
		}
		for i := range src.NumField() {
			if src.Type().Field(i).IsExported() {
				mergeValue(dst.Field(i), src.Field(i))
			}
		}
	default:
		if !src.IsZero() {
			dst.Set(src)
		}
	}
}

// cleartextRoles are the TCP roles that carry data or credentials in the clear
// whenever the port is open.
var cleartextRoles = map[string]string{
	RoleFTP: "ftp", RoleTelnet: "telnet", RoleLPD: "lpd", RoleRaw: "raw",
	RoleSMTP: "smtp", RoleSMB: "smb",
}

// DeriveCleartext lists the unencrypted services of a merged document: open
// ports whose role is cleartext by nature, plain-HTTP ports that answer
// rather than redirect to HTTPS, and IPP that answered without TLS.
// Services already listed in doc.Cleartext are not repeated.
func DeriveCleartext(t *Target, doc *facts.Device) []facts.CleartextService {
	seen := map[facts.CleartextService]bool{}
	for _, c := range doc.Cleartext {
		seen[c] = true
	}
	var out []facts.CleartextService
	add := func(service string, port int) {
		c := facts.CleartextService{Service: service, Port: port}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	for _, p := range t.Ports {
		if p.Protocol != "tcp" || p.State != "open" {
			continue
		}
		if svc, ok := cleartextRoles[t.Roles.TCP[p.Port]]; ok {
			add(svc, p.Port)
		}
	}
	for _, h := range doc.HTTP {
		if !h.TLS && h.Status == facts.StatusOK && (h.RedirectsToHTTPS == nil || !*h.RedirectsToHTTPS) {
			add("http", h.Port)
		}
	}
	for _, s := range doc.IPP {
		if !s.TLS && s.Status == facts.StatusOK {
			add("ipp", s.Port)
		}
	}
	return out
}

// maxReason bounds error text copied into a facts document: an error may
// quote device data.
const maxReason = 200

// Classify maps a network error to the collector status policies rely on,
// with a short reason. A nil error is StatusOK.
func Classify(err error) (facts.Status, string) {
	if err == nil {
		return facts.StatusOK, ""
	}
	reason := err.Error()
	if len(reason) > maxReason {
		reason = strings.ToValidUTF8(reason[:maxReason], "") + "..."
	}
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, syscall.ETIMEDOUT),
		errors.As(err, &ne) && ne.Timeout():
		return facts.StatusTimeout, reason
	case errors.Is(err, syscall.ECONNREFUSED):
		return facts.StatusRefused, reason
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return facts.StatusFiltered, reason
	}
	return facts.StatusError, reason
}
