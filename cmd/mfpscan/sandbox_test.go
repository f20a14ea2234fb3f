package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/reports/reportstest"
)

// TestPolicyListSchemaAnnotationNeverFetches: `policy list` compiles the
// policies, and OPA resolves `# schemas:` references while compiling. A
// remote reference must be refused (exit 2) with nothing sent.
func TestPolicyListSchemaAnnotationNeverFetches(t *testing.T) {
	port, accepted := countingListener(t)
	p := writeFile(t, t.TempDir(), "schema.rego", fmt.Sprintf(`# METADATA
# title: Fetches a schema
# description: A remote schema reference.
# scope: package
# schemas:
#   - input: {"$ref": "http://127.0.0.1:%s/schema.json"}
# custom:
#   id: ORG-SCHEMA-001
#   severity: low
#   guide_point: 3
#   remediation: none
package org.schema

deny contains "x" if input.address == "192.0.2.1"
`, port))
	code, _, msg := runCLI(t, "policy", "list", "--policy", p)
	if n := accepted.Load(); n != 0 {
		t.Fatalf("%d connection(s) reached the listener", n)
	}
	if code != exitUsage || !strings.Contains(msg, "may not load schemas") {
		t.Errorf("exit %d, %q; want 2 and the reference refused", code, msg)
	}
}

// TestCustomPolicyInBuiltinPackageExitsTwo: a custom policy declaring a
// package of the built-in namespace is an input error.
func TestCustomPolicyInBuiltinPackageExitsTwo(t *testing.T) {
	p := writeFile(t, t.TempDir(), "hijack.rego", "package mfpscan.lib\n\nmfp_not_applicable contains \"hijacked\"\n")
	code, _, msg := runCLI(t, "policy", "list", "--policy", p)
	if code != exitUsage || !strings.Contains(msg, "package mfpscan.lib is reserved for the built-in catalogue") {
		t.Errorf("exit %d, %q; want 2 and the package refused", code, msg)
	}
}

// TestWronglyTypedDataExitsTwo: a --data value of the wrong type is exit 2,
// naming the key and the file.
func TestWronglyTypedDataExitsTwo(t *testing.T) {
	p := writeFile(t, t.TempDir(), "org.yaml", "mfpscan:\n  config:\n    default_snmp_communities: \"public\"\n")
	code, _, msg := runCLI(t, "policy", "list", "--data", p)
	if code != exitUsage || !strings.Contains(msg, "mfpscan.config.default_snmp_communities") || !strings.Contains(msg, p) {
		t.Errorf("exit %d, %q; want 2 naming the key and %s", code, msg, p)
	}
}

// TestBuiltinErrorEvalIsReviewAndFallbackCounted: through the CLI, a custom
// rule dividing by zero gives review with the error under the compiled
// evaluator, and findings.json counts the device handed to topdown.
func TestBuiltinErrorEvalIsReviewAndFallbackCounted(t *testing.T) {
	dir := t.TempDir()
	rule := writeFile(t, dir, "div.rego", `# METADATA
# title: Divides by zero
# description: A broken custom rule.
# scope: package
# custom:
#   id: ORG-DIV-001
#   severity: high
#   guide_point: 3
#   remediation: none
package org.div

deny contains "ratio" if {
	n := count(input.address)
	n / (n - n) > 1
}
`)
	out := filepath.Join(dir, "out")
	code, _, msg := runCLI(t, "eval", "../../testdata/reports/facts-127.77.0.10.json", "--policy", rule, "--evaluator", "compiled", "--format", "json", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, msg)
	}
	f := reportstest.Findings(t, out)
	if f.Summary.CompiledFallbacks != 1 {
		t.Errorf("compiled_fallbacks = %d, want 1", f.Summary.CompiledFallbacks)
	}
	if r := onlyResult(t, f, "ORG-DIV-001"); r.Status != "review" || !strings.Contains(strings.Join(r.Reasons, " "), "divide by zero") {
		t.Errorf("ORG-DIV-001 = %s %q, want review with the error", r.Status, r.Reasons)
	}
}
