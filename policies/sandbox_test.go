package policies

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/mfpscan/mfpscan/internal/testnet"
)

// TestEveryOPABuiltinIsClassified walks OPA's whole builtin list: a builtin
// this build does not classify fails the test, so an OPA upgrade that adds
// one cannot slip it into the sandbox unexamined (Capabilities leaves
// unclassified builtins out either way).
func TestEveryOPABuiltinIsClassified(t *testing.T) {
	names := map[string]bool{}
	for _, b := range ast.Builtins {
		names[b.Name] = true
	}
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		names[b.Name] = true
	}
	for n := range names {
		if classOf(n) == 0 {
			t.Errorf("builtin %s is not classified in builtinClass: decide whether it does I/O", n)
		}
	}
	for n := range builtinClass {
		if !names[n] {
			t.Errorf("builtinClass lists %s, which this OPA does not have", n)
		}
	}
}

func TestCapabilitiesAreTheAllowlist(t *testing.T) {
	caps := Capabilities()
	if caps.AllowNet == nil || len(caps.AllowNet) != 0 {
		t.Errorf("AllowNet = %#v, want an empty non-nil list (nil means any host to OPA)", caps.AllowNet)
	}
	offered := map[string]bool{}
	for _, b := range caps.Builtins {
		offered[b.Name] = true
		if k := classOf(b.Name); k == 0 || k == withIO {
			t.Errorf("capability %s offered, but it is classified %d", b.Name, k)
		}
	}
	for n, k := range builtinClass {
		if k == withIO && offered[n] {
			t.Errorf("builtin with I/O %s offered", n)
		}
	}
	for _, n := range []string{"http.send", "net.lookup_ip_addr", "opa.runtime", "json.match_schema", "json.verify_schema"} {
		if offered[n] {
			t.Errorf("%s offered", n)
		}
	}
	if !offered["sprintf"] || !offered["net.cidr_contains"] {
		t.Error("pure builtins sprintf, net.cidr_contains missing")
	}
}

// listener accepts on loopback and counts the connections it gets.
func listener(t *testing.T) (addr string, accepted *atomic.Int64) {
	t.Helper()
	a, accepted := testnet.CountingListener(t)
	return a.String(), accepted
}

const sandboxMeta = `# METADATA
# title: Sandbox probe
# description: Tries to reach outside the sandbox.
# scope: package
# custom:
#   id: ORG-SANDBOX-001
#   severity: low
#   guide_point: 3
#   remediation: none
`

func writeProbe(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "probe.rego")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// loadAndRun loads one custom policy and, if it loads, evaluates a device
// with both evaluators, so whatever the policy would do at evaluation time
// happens before the caller checks.
func loadAndRun(t *testing.T, path string) error {
	t.Helper()
	var firstErr error
	for _, ev := range []string{EvaluatorTopdown, EvaluatorAuto} {
		e, err := Load(context.Background(), Options{NoBuiltin: true, Policies: []string{path}, Evaluator: ev})
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if _, err := e.Evaluate(context.Background(), device("192.0.2.1", nil)); err != nil {
			t.Logf("evaluate: %v", err)
		}
	}
	return firstErr
}

// TestSchemaRefBuiltFromFactsNeverConnects: a rule that builds a $ref URL
// from the device's facts (address and serial, to a listener) must not
// make any connection, at compile or evaluation time.
func TestSchemaRefBuiltFromFactsNeverConnects(t *testing.T) {
	addr, accepted := listener(t)
	for _, fn := range []string{"json.match_schema({}, schema)", "json.verify_schema(schema)"} {
		t.Run(strings.Fields(strings.ReplaceAll(fn, "(", " "))[0], func(t *testing.T) {
			p := writeProbe(t, sandboxMeta+fmt.Sprintf(`package org.sandbox

deny contains "reached" if {
	schema := {"$ref": sprintf("http://%s/%%s/%%s.json", [input.address, input.identity.serial.value])}
	[ok, _] := %s
	ok == false
}
`, addr, fn))
			err := loadAndRun(t, p)
			if n := accepted.Load(); n != 0 {
				t.Fatalf("%d connection(s) reached the listener", n)
			}
			if err == nil || !strings.Contains(err.Error(), "policies may not do I/O") {
				t.Errorf("Load = %v, want the builtin refused as I/O", err)
			}
		})
	}
}

// TestFileSchemaRefNotRead: neither json.match_schema nor a `# schemas:`
// annotation may read a local file through a file:// reference. The file
// declares input.address a boolean, so a loader that read it would fail
// the rule's type check instead of refusing the reference.
func TestFileSchemaRefNotRead(t *testing.T) {
	schemaFile := filepath.Join(t.TempDir(), "secret-schema.json")
	if err := os.WriteFile(schemaFile, []byte(`{"type": "object", "properties": {"address": {"type": "boolean"}}, "required": ["address"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	url := "file://" + schemaFile
	t.Run("builtin", func(t *testing.T) {
		p := writeProbe(t, sandboxMeta+fmt.Sprintf(`package org.sandbox

deny contains "read" if {
	[ok, _] := json.match_schema(input, {"$ref": %q})
	ok == false
}
`, url))
		err := loadAndRun(t, p)
		if err == nil || !strings.Contains(err.Error(), "policies may not do I/O") {
			t.Errorf("Load = %v, want json.match_schema refused", err)
		}
	})
	t.Run("annotation", func(t *testing.T) {
		p := writeProbe(t, fmt.Sprintf(`# METADATA
# title: Sandbox probe
# description: Tries to read a file at compile time.
# scope: package
# schemas:
#   - input: {"$ref": %q}
# custom:
#   id: ORG-SANDBOX-002
#   severity: low
#   guide_point: 3
#   remediation: none
package org.sandbox

deny contains "x" if input.address == "192.0.2.1"
`, url))
		err := loadAndRun(t, p)
		if err == nil || !strings.Contains(err.Error(), "may not load schemas from files or the network") || !strings.Contains(err.Error(), url) {
			t.Errorf("Load = %v, want the file:// reference refused", err)
		}
	})
}

// TestSchemaAnnotationNeverFetches: `# schemas:` is resolved when the
// policies compile, which `policy list` does too; a remote reference must
// be refused without a connection.
func TestSchemaAnnotationNeverFetches(t *testing.T) {
	addr, accepted := listener(t)
	for _, schema := range []string{
		fmt.Sprintf(`{"$ref": "http://%s/schema.json"}`, addr),
		fmt.Sprintf(`{"$id": "http://%s/base/", "properties": {"a": {"$ref": "#/definitions/x"}}}`, addr),
		fmt.Sprintf(`{"allOf": [{"$ref": "other.json"}], "$id": "http://%s/"}`, addr),
	} {
		p := writeProbe(t, fmt.Sprintf(`# METADATA
# title: Sandbox probe
# description: Fetches at compile time.
# scope: package
# schemas:
#   - input: %s
# custom:
#   id: ORG-SANDBOX-003
#   severity: low
#   guide_point: 3
#   remediation: none
package org.sandbox

deny contains "x" if input.address == "192.0.2.1"
`, schema))
		_, err := Load(context.Background(), Options{Policies: []string{p}, Evaluator: EvaluatorTopdown})
		if n := accepted.Load(); n != 0 {
			t.Fatalf("schema %s: %d connection(s) reached the listener", schema, n)
		}
		if err == nil || !strings.Contains(err.Error(), "may not load schemas") {
			t.Errorf("schema %s: Load = %v, want it refused", schema, err)
		}
	}
}

func TestRemovedBuiltinErrorSaysWhy(t *testing.T) {
	p := writeProbe(t, sandboxMeta+`package org.sandbox

deny contains x if x := opa.runtime().env.HOME
`)
	_, err := Load(context.Background(), Options{NoBuiltin: true, Policies: []string{p}})
	if err == nil || !strings.Contains(err.Error(), "opa.runtime is disabled in mfpscan policies") {
		t.Errorf("Load = %v, want opa.runtime refused with the reason", err)
	}
}
