package policies

import (
	"context"
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
}
