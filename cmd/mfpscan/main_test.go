package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mfpscan/mfpscan/internal/cliconfig"
	"github.com/mfpscan/mfpscan/internal/testnet"
)

// runCLI runs the command tree in-process and returns the exit code and the
// error text, as main would print it.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCLIWith(t, cliconfig.Env{}, args...)
}

// runCLIWith is runCLI reading its configuration from env.
func runCLIWith(t *testing.T, env cliconfig.Env, args ...string) (int, string, string) {
	t.Helper()
	root := newRootCommandWith(env)
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	msg := ""
	if err != nil {
		msg = oneLine(err)
	}
	return exitCode(err), out.String(), msg
}

// countingListener accepts on a loopback port and counts connections, so a
// test can prove that nothing was sent.
func countingListener(t *testing.T) (port string, accepted *atomic.Int64) {
	t.Helper()
	addr, accepted := testnet.CountingListener(t)
	return strconv.Itoa(addr.Port), accepted
}

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBadInputExitsTwoAndSendsNothing feeds each kind of operator mistake to
// `scan` against a counting loopback listener: every one must be a clear
// error naming what is wrong, exit code 2, and no connection made.
func TestBadInputExitsTwoAndSendsNothing(t *testing.T) {
	dir := t.TempDir()
	port, accepted := countingListener(t)
	brokenRego := writeFile(t, dir, "broken.rego", "package org.broken\n\ndeny contains msg if {\n\tmsg := \n}\n")
	netRego := writeFile(t, dir, "net.rego", `# METADATA
# title: Calls out
# description: Uses the network.
# custom:
#   id: ORG-NET-001
#   severity: low
#   guide_point: 3
#   remediation: none
package org.callsout

deny contains "x" if {
	http.send({"method": "GET", "url": "http://127.0.0.1:1/"})
}
`)
	badData := writeFile(t, dir, "data.yaml", "mfpscan:\n  config:\n    min_tls_version: [\n")
	badWaivers := writeFile(t, dir, "waivers.yaml", "waivers:\n  - rule: MFP-TLS-001\n    selector: {address: 127.0.0.1}\n    expires: 2030-01-01\n")
	badAdvisories := filepath.Join(dir, "adv.yaml")
	if err := os.WriteFile(badAdvisories, []byte("version: x\nadvisories:\n- {id: A, severity: severe, cves: [CVE-2020-1234], groups: [{name: g, scheme: mf, models: [x]}]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	unknownKeyAdvisories := filepath.Join(dir, "adv2.yaml")
	if err := os.WriteFile(unknownKeyAdvisories, []byte("version: x\nadvisories:\n- {id: A, severity: high, cves: [CVE-2020-1234], groups: [{name: g, scheme: mf, models: [x], fixed: '1.0'}]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badAttest := writeFile(t, dir, "att.yaml", "attestations:\n  - match: 127.0.0.1\n    locked: true\n")
	unwritable := writeFile(t, dir, "a-file", "")

	base := []string{"scan", "127.0.0.1", "--ports", port, "--out", filepath.Join(dir, "out")}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"malformed CIDR", []string{"scan", "127.0.0.1/33", "--ports", port}, "127.0.0.1/33"},
		{"malformed address", []string{"scan", "127.0.0.300", "--ports", port}, "127.0.0.300"},
		{"no target", []string{"scan", "--ports", port}, "no targets"},
		{"port zero", append(base, "--ports", "0"), `"0" is not a port number`},
		{"port range backwards", append(base, "--ports", "90-80"), "runs backwards"},
		{"bad duration", append(base, "--timeout", "5parsecs"), "5parsecs"},
		{"negative rate", append(base, "--rate", "-1"), "--rate must be positive"},
		{"unknown format", append(base, "--format", "pdf"), `unknown report format "pdf"`},
		{"unknown severity", append(base, "--fail-on", "severe"), `unknown severity "severe"`},
		{"unknown evaluator", append(base, "--evaluator", "jit"), `unknown --evaluator "jit"`},
		{"unknown engine", append(base, "--engine", "masscan"), `unknown --engine "masscan"`},
		{"nmap args without nmap", append(base, "--nmap-args", "-T4"), "--nmap-args needs --engine nmap"},
		{"nmap script refused", append(base, "--engine", "nmap", "--nmap-args", "--script=vuln"), "not allowed"},
		{"broken rego", append(base, "--policy", brokenRego), "broken.rego:"},
		{"network builtin", append(base, "--policy", netRego), "http.send"},
		{"missing policy", append(base, "--policy", filepath.Join(dir, "nope.rego")), "nope.rego"},
		{"bad data", append(base, "--data", badData), "data.yaml"},
		{"waiver without reason", append(base, "--waivers", badWaivers), "waivers.yaml"},
		{"bad attestations", append(base, "--attestations", badAttest), `att.yaml:2: unknown key "locked"`},
		{"bad advisories", append(base, "--advisories", badAdvisories), `severity "severe" is not critical`},
		{"advisories with an unknown key", []string{"advisories", "list", "--advisories", unknownKeyAdvisories}, "field fixed not found"},
		{"unwritable out", []string{"scan", "127.0.0.1", "--ports", port, "--out", filepath.Join(unwritable, "sub")}, "output directory"},
		{"sweep too large", []string{"scan", "127.0.0.0/8", "--ports", port}, "--yes-large-sweep"},
		{"bad log level", append(base, "--log-level", "loud"), "--log-level"},
		{"unknown flag", append(base, "--colour"), "unknown flag"},
		{"unknown command", []string{"sacn", "127.0.0.1"}, "unknown command"},
		{"lab outside loopback", []string{"lab", "--subnet", "192.0.2.0/24"}, "must lie inside 127.0.0.0/8"},
		{"report from nowhere", []string{"report", "--from", filepath.Join(dir, "missing")}, "missing"},
		{"diff of missing runs", []string{"diff", filepath.Join(dir, "old"), filepath.Join(dir, "new")}, "old"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, msg := runCLI(t, tt.args...)
			if code != exitUsage {
				t.Errorf("exit code = %d (%s), want %d", code, msg, exitUsage)
			}
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q does not mention %q", msg, tt.want)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error spans several lines: %q", msg)
			}
		})
	}
	if n := accepted.Load(); n != 0 {
		t.Fatalf("bad input still sent %d connection(s) to the target", n)
	}
}

func TestEvalRejectsInvalidFacts(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "127.0.0.1.json", `{"schema_version":"1","address":"127.0.0.1","family":"ipv4","ip_class":"martian","identity":{"is_printer":null,"is_mfp":null,"device_id":"address:127.0.0.1"},"ports":[],"collectors":{}}`)
	code, _, msg := runCLI(t, "eval", bad, "--out", filepath.Join(dir, "out"))
	if code != exitUsage || !strings.Contains(msg, "127.0.0.1.json") || !strings.Contains(msg, "/ip_class") {
		t.Fatalf("eval of invalid facts: code %d, error %q; want 2 naming the file and /ip_class", code, msg)
	}
	code, _, msg = runCLI(t, "eval", writeFile(t, dir, "trunc.json", `{"schema_version":`), "--out", filepath.Join(dir, "out"))
	if code != exitUsage || !strings.Contains(msg, "trunc.json") {
		t.Fatalf("eval of truncated facts: code %d, error %q", code, msg)
	}
}

func TestPolicyListAndVersion(t *testing.T) {
	code, out, msg := runCLI(t, "policy", "list", "--format", "json")
	if code != exitOK {
		t.Fatalf("policy list: code %d: %s", code, msg)
	}
	var rules []struct {
		ID         string `json:"id"`
		GuidePoint int    `json:"guide_point"`
	}
	if err := json.Unmarshal([]byte(out), &rules); err != nil {
		t.Fatalf("policy list --format json is not JSON: %v", err)
	}
	points := map[int]bool{}
	for _, r := range rules {
		points[r.GuidePoint] = true
	}
	if len(rules) < 35 || len(points) != 10 {
		t.Fatalf("catalogue has %d rules over %d key points, want ≥35 over 10", len(rules), len(points))
	}
	code, out, _ = runCLI(t, "version")
	if code != exitOK || !strings.HasPrefix(out, "mfpscan ") {
		t.Fatalf("version: code %d, output %q", code, out)
	}
}
