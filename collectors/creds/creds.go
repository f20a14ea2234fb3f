// Package creds holds the opt-in default-credential checks: whether a Canon
// device still accepts its factory System Manager or Administrator login, a
// blank System Manager PIN, the MEAP SMS default password, or anonymous FTP.
//
// It is an Analyser because the choice of form depends on what the HTTP
// collector saw. Each account is tried at most once per device per scan
// (lockout policies count failures), and the value tried is never recorded,
// logged or put in an error: only the account name and the verdict are.
package creds

import (
	"context"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/facts"
)

// ReasonNoOptIn is the reason recorded when the operator did not opt in.
const ReasonNoOptIn = "opt-in not given (--check-default-credentials)"

// Analyser runs the default-credential checks. One value serves one scan:
// it remembers which (device, account) pairs were tried, so a device seen
// twice is not tried twice.
type Analyser struct {
	mu    sync.Mutex
	tried map[guardKey]struct{}
}

type guardKey struct {
	addr    netip.Addr
	account string
}

// New returns the credentials analyser for one scan run.
func New() collectors.Analyser { return newAnalyser() }

func newAnalyser() *Analyser { return &Analyser{tried: make(map[guardKey]struct{})} }

// Name implements collectors.Analyser.
func (*Analyser) Name() string { return "credentials" }

// claim reserves the one attempt of account on addr; false when it was
// already taken in this scan.
func (a *Analyser) claim(addr netip.Addr, account string) bool {
	k := guardKey{addr.Unmap(), account}
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.tried[k]; ok {
		return false
	}
	a.tried[k] = struct{}{}
	return true
}

// Analyse implements collectors.Analyser.
func (a *Analyser) Analyse(ctx context.Context, env *collectors.Env, t *collectors.Target, doc *facts.Device) facts.CollectorStatus {
	start := time.Now()
	done := func(st facts.Status, reason string) facts.CollectorStatus {
		return facts.CollectorStatus{Status: st, Reason: reason, DurationMS: time.Since(start).Milliseconds()}
	}
	if !env.Options.CheckDefaultCredentials {
		doc.Credentials = &facts.Credentials{Status: facts.StatusSkipped, Reason: ReasonNoOptIn}
		return done(facts.StatusSkipped, ReasonNoOptIn)
	}
	if p := doc.Identity.IsPrinter; p == nil || !*p {
		reason := "device not identified as a printer"
		if p == nil {
			reason = "device type unknown: not identified as a printer"
		}
		doc.Credentials = &facts.Credentials{Status: facts.StatusSkipped, Reason: reason}
		return done(facts.StatusSkipped, reason)
	}
	log := env.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
		env = &collectors.Env{Dialer: env.Dialer, Options: env.Options, Log: log}
	}
	userField := false
	if _, ui, ok := pickRemoteUI(doc.HTTP); ok {
		userField = hasAny(ui.Markers, []string{"user_password_form"}) && !hasAny(ui.Markers, []string{"user_type_generic"})
	}

	creds := &facts.Credentials{}
	client := env.HTTPClient()
	defer client.CloseIdleConnections()
	ran := 0
	for _, at := range plan(doc, t) {
		var check facts.CredentialCheck
		switch {
		case at.skip != "":
			check = facts.CredentialCheck{Account: at.account, Status: facts.StatusSkipped, Reason: at.skip}
		case ctx.Err() != nil:
			check = facts.CredentialCheck{Account: at.account, Port: at.port, Status: facts.StatusSkipped, Reason: "scan cancelled"}
		case !a.claim(t.Addr, at.account):
			check = facts.CredentialCheck{Account: at.account, Port: at.port, Status: facts.StatusSkipped, Reason: "already tried on this device in this scan"}
		case at.account == AccountFTPAnonymous:
			check = tryFTP(ctx, env, t.Addr, at.port)
			ran++
		default:
			check = tryHTTP(ctx, env, client, t.Addr, at, userField)
			ran++
		}
		logCheck(log, check)
		creds.Checks = append(creds.Checks, check)
	}
	creds.Status = facts.StatusOK
	if ran == 0 {
		creds.Status, creds.Reason = facts.StatusSkipped, "no applicable check"
	}
	doc.Credentials = creds
	return done(creds.Status, creds.Reason)
}

// logCheck records the outcome by account name only.
func logCheck(log *slog.Logger, c facts.CredentialCheck) {
	attrs := []any{"account", c.Account, "status", string(c.Status)}
	if c.Port != 0 {
		attrs = append(attrs, "port", c.Port)
	}
	if c.Accepted != nil {
		attrs = append(attrs, "accepted", *c.Accepted)
	}
	if c.Reason != "" {
		attrs = append(attrs, "reason", c.Reason)
	}
	if c.Accepted != nil && *c.Accepted {
		log.Warn("default credential accepted", attrs...)
		return
	}
	log.Info("default credential check", attrs...)
}
