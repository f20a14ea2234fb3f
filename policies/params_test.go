package policies

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParamSchemaMatchesDefaults: every parameter in defaults.yaml is
// declared, with a type its default value has.
func TestParamSchemaMatchesDefaults(t *testing.T) {
	def, err := builtinDefaults()
	if err != nil {
		t.Fatal(err)
	}
	cfg := def["mfpscan"].(map[string]any)["config"].(map[string]any)
	for k := range cfg {
		if catalogueParams[k] == nil {
			t.Errorf("defaults.yaml parameter %s has no type in catalogueParams", k)
		}
	}
	for k := range catalogueParams {
		if _, ok := cfg[k]; !ok {
			t.Errorf("catalogueParams declares %s, which defaults.yaml lacks", k)
		}
	}
	if err := checkParams("defaults.yaml", def); err != nil {
		t.Errorf("defaults do not match their own schema: %v", err)
	}
}

// TestWronglyTypedDataIsRefused: a value of the wrong type is an input
// error naming the key and the file, never a silently flipped result.
func TestWronglyTypedDataIsRefused(t *testing.T) {
	cases := []struct{ yaml, key string }{
		{`default_snmp_communities: "public"`, "mfpscan.config.default_snmp_communities: want a list of strings, got the string \"public\""},
		{`min_tls_version: 1.2`, "mfpscan.config.min_tls_version: want a string, got the number 1.2"},
		{`min_tls_version: tls12`, "mfpscan.config.min_tls_version: \"tls12\" is not one of"},
		{`allowed_ports: ["443"]`, "mfpscan.config.allowed_ports[0]: want a whole number"},
		{`allowed_ports: [70000]`, "mfpscan.config.allowed_ports[0]: 70000 is outside 1..65535"},
		{`forbidden_ports: [{port: 23}]`, "mfpscan.config.forbidden_ports[0]: protocol is missing"},
		{`forbidden_ports: {port: 23, protocol: tcp}`, "mfpscan.config.forbidden_ports: want a list of mappings"},
		{`firmware_baselines: {"iR-ADV C5535": 77.09}`, "mfpscan.config.firmware_baselines.iR-ADV C5535: want a string, got the number 77.09"},
	}
	for _, tc := range cases {
		p := filepath.Join(t.TempDir(), "org.yaml")
		if err := os.WriteFile(p, []byte("mfpscan:\n  config:\n    "+tc.yaml+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Load(context.Background(), Options{DataFiles: []string{p}, Evaluator: EvaluatorTopdown})
		if err == nil || !strings.Contains(err.Error(), tc.key) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: Load = %v, want an error naming %q and %s", tc.yaml, err, tc.key, p)
		}
	}
	// An organisation's own parameters stay free-form.
	p := filepath.Join(t.TempDir(), "own.yaml")
	if err := os.WriteFile(p, []byte("mfpscan:\n  config:\n    test_forbidden_port: \"anything\"\n    default_snmp_communities: [public]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(context.Background(), Options{DataFiles: []string{p}, Evaluator: EvaluatorTopdown}); err != nil {
		t.Errorf("well-typed data refused: %v", err)
	}
}
