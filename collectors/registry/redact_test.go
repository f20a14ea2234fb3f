package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testnet"
)

const echoedSecret = "0perator-S3cret-c0mm"

// echoCollector is a device echoing the community it was asked with into
// every kind of text a collector keeps, and into an error it logs.
type echoCollector struct{}

func (echoCollector) Name() string { return "echo" }

func (echoCollector) Collect(_ context.Context, env *collectors.Env, _ *collectors.Target, out *facts.Device) facts.CollectorStatus {
	secret := env.Options.Communities[0]
	out.SNMP = &facts.SNMP{SysDescr: "Canon iR-ADV C5535 community=" + secret, CommunitiesAccepted: []string{"custom-1"}}
	out.HTTP = []facts.HTTPService{{Port: 80, Status: facts.StatusOK, Title: "<title>" + secret + "</title>", Server: secret}}
	out.Identity.Sources = []facts.IdentityHint{{Field: "model", Value: "x" + secret + "x", Source: "snmp"}}
	env.Log.Warn("device said "+secret, "reply", "sysDescr="+secret, "err", &json.SyntaxError{})
	return facts.CollectorStatus{Status: facts.StatusError, Reason: "bad reply: " + secret}
}

// TestEchoedSecretsAreRedacted: a device repeating the operator's SNMP
// community in its sysDescr, banner and page title put the secret into
// every report. Collected text is redacted in the engine, before facts,
// reports or logs are written.
func TestEchoedSecretsAreRedacted(t *testing.T) {
	addr := testnet.OwnLoopback()
	ftp := ftpGreeter(t, addr, "220 "+echoedSecret+" FTP ready\r\n")
	var logBuf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts := collectors.Options{Timeout: 500 * time.Millisecond, Communities: []string{echoedSecret}}
	cs, as := Default(opts)
	cs = append(cs, echoCollector{})
	e := collectors.NewEngine(opts, cs, as, log)
	target := &collectors.Target{
		Addr:  addr,
		Ports: []facts.Port{{Port: ftp, Protocol: "tcp", State: "open"}},
		Roles: collectors.Roles{TCP: map[int]string{ftp: collectors.RoleFTP}, SNMPPort: 9},
	}
	doc := e.Collect(context.Background(), target)
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), echoedSecret) {
		t.Errorf("facts hold the secret:\n%s", raw)
	}
	if strings.Contains(logBuf.String(), echoedSecret) {
		t.Errorf("log holds the secret:\n%s", logBuf.String())
	}
	// Not vacuous: the echoed text reached the document, redacted.
	if n := strings.Count(string(raw), collectors.Redacted); n < 6 {
		t.Errorf("%d redactions in the facts, want the banner, sysDescr, title, Server, model hint and reason:\n%s", n, raw)
	}
	if !strings.Contains(logBuf.String(), collectors.Redacted) {
		t.Errorf("the echoed log line is missing:\n%s", logBuf.String())
	}
}
