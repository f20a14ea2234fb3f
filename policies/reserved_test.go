package policies

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCustomPolicyMayNotEnterBuiltinPackages: a two-line file in package
// mfpscan.lib used to turn every built-in result not applicable. Any
// package of the built-in namespace is refused, naming the file.
func TestCustomPolicyMayNotEnterBuiltinPackages(t *testing.T) {
	for _, src := range []string{
		"package mfpscan.lib\n\nmfp_not_applicable contains \"hijacked\"\n",
		"package mfpscan\n\nlib.mfp_not_applicable contains \"hijacked\"\n",
		"package mfpscan.rules.tls.legacy_versions\n\nnot_applicable contains \"hijacked\"\n",
		sandboxMeta + "package mfpscan.rules.org.custom\n\ndeny contains \"x\" if input.address\n",
		"package mfpscan.config\n\nmin_tls_version := \"ssl3\"\n",
	} {
		p := writeProbe(t, src)
		_, err := Load(context.Background(), Options{Policies: []string{p}, Evaluator: EvaluatorTopdown})
		if err == nil || !strings.Contains(err.Error(), "is reserved for the built-in catalogue") || !strings.Contains(err.Error(), p) {
			t.Errorf("%q: Load = %v, want the package refused naming %s", strings.SplitN(src, "\n", 2)[0], err, p)
		}
		// `policy test` refuses it too: its tests would otherwise pass
		// against a catalogue that no scan runs.
		_, _, err = RunRegoTests(context.Background(), []string{p}, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "is reserved for the built-in catalogue") || !strings.Contains(err.Error(), p) {
			t.Errorf("%q: RunRegoTests = %v, want the package refused naming %s", strings.SplitN(src, "\n", 2)[0], err, p)
		}
	}
}

func TestDataMayNotEnterBuiltinPackages(t *testing.T) {
	p := filepath.Join(t.TempDir(), "data.yaml")
	if err := os.WriteFile(p, []byte("mfpscan:\n  lib:\n    mfp_not_applicable: [x]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(context.Background(), Options{DataFiles: []string{p}, Evaluator: EvaluatorTopdown})
	if err == nil || !strings.Contains(err.Error(), "mfpscan.lib is reserved") || !strings.Contains(err.Error(), p) {
		t.Errorf("Load = %v, want mfpscan.lib data refused", err)
	}
	// The same data beside an organisation's tests is refused by `policy
	// test`; its parameters under mfpscan.config are not.
	dir := filepath.Dir(p)
	test := "package org.checks_test\n\ntest_config if data.mfpscan.config\n"
	if err := os.WriteFile(filepath.Join(dir, "checks_test.rego"), []byte(test), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err = RunRegoTests(context.Background(), []string{dir}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "mfpscan.lib is reserved") {
		t.Errorf("RunRegoTests = %v, want mfpscan.lib data refused", err)
	}
	if err := os.WriteFile(p, []byte("mfpscan:\n  config:\n    min_tls_version: tls1.2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if passed, failed, err := RunRegoTests(context.Background(), []string{dir}, io.Discard); err != nil || passed != 1 || failed != 0 {
		t.Errorf("RunRegoTests with mfpscan.config data: %d passed, %d failed, %v; want the one test passed", passed, failed, err)
	}
}
