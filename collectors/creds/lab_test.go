package creds_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/collectors/creds"
	"github.com/mfpscan/mfpscan/collectors/httpui"
	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/lab"
	"github.com/mfpscan/mfpscan/lab/labtest"
)

// TestLabFleet runs the HTTP collector and then the credential checks
// against the simulated fleet, as the engine would: the lab's Canon profiles
// keep their factory logins, the hardened one does not.
func TestLabFleet(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the lab fleet")
	}
	ctx := context.Background()
	fleet, _ := labtest.Start(t)

	type verdict struct{ account, want string } // want: true, false, skipped
	want := map[string][]verdict{
		lab.ProfileFactory: {
			{creds.AccountSystemManagerDefault, "true"}, {creds.AccountSystemManagerBlank, "skipped"},
			{creds.AccountAdministratorDefault, "skipped"}, {creds.AccountMeapSMSDefault, "skipped"},
			{creds.AccountFTPAnonymous, "false"},
		},
		lab.ProfileHardened: {
			{creds.AccountSystemManagerDefault, "skipped"}, {creds.AccountAdministratorDefault, "false"},
			{creds.AccountFTPAnonymous, "skipped"},
		},
		lab.ProfileMF: {
			{creds.AccountSystemManagerDefault, "true"}, {creds.AccountSystemManagerBlank, "false"},
			{creds.AccountAdministratorDefault, "skipped"},
		},
		lab.ProfileHP: {{creds.AccountSystemManagerDefault, "skipped"}},
	}

	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	env := &collectors.Env{
		Dialer:  collectors.NewDialer(2*time.Second, 2),
		Options: collectors.Options{Timeout: 2 * time.Second, CheckDefaultCredentials: true},
		Log:     log,
	}
	a := creds.New()
	var docs []byte
	for _, d := range fleet.Devices() {
		tg := &collectors.Target{Addr: d.Addr, Roles: collectors.Roles{TCP: d.Roles}}
		for _, p := range d.TCPPorts {
			tg.Ports = append(tg.Ports, facts.Port{Port: p, Protocol: "tcp", State: "open"})
		}
		doc := &facts.Device{Address: d.Addr.String(), Collectors: map[string]facts.CollectorStatus{}}
		doc.Collectors["http"] = httpui.New().Collect(ctx, env, tg, doc)
		// The fingerprint analyser would say so; the lab knows.
		doc.Identity.IsPrinter = facts.Bool(d.Vendor != "")
		st := a.Analyse(ctx, env, tg, doc)

		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		docs = append(docs, b...)
		if d.Vendor == "" {
			if st.Status != facts.StatusSkipped || doc.Credentials == nil || len(doc.Credentials.Checks) != 0 {
				t.Errorf("%s: status %+v credentials %+v, want skipped without checks", d.Profile, st, doc.Credentials)
			}
			continue
		}
		for _, v := range want[d.Profile] {
			if got := verdictOf(doc, v.account); got != v.want {
				t.Errorf("%s %s = %s, want %s", d.Profile, v.account, got, v.want)
			}
		}
	}
	for _, secret := range []string{lab.DefaultSystemManagerPIN, "MeapSmsLogin"} {
		if bytes.Contains(docs, []byte(secret)) || strings.Contains(logs.String(), secret) {
			t.Errorf("%q found in facts or logs", secret)
		}
	}
}

// verdictOf summarises one check as "true", "false", "skipped" or its
// status and reason.
func verdictOf(doc *facts.Device, account string) string {
	for _, c := range doc.Credentials.Checks {
		switch {
		case c.Account != account:
		case c.Status == facts.StatusSkipped:
			return "skipped"
		case c.Accepted != nil && *c.Accepted:
			return "true"
		case c.Accepted != nil:
			return "false"
		default:
			return string(c.Status) + ": " + c.Reason
		}
	}
	return "missing"
}
