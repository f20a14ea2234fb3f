package policies

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// The parameters the built-in catalogue reads from data.mfpscan.config,
// with their types. A --data value of the wrong type used to flip results
// silently (a string where a list of communities belongs made MFP-SNMP-004
// pass), so every data document is checked against this before it is
// merged; TestParamSchemaMatchesDefaults keeps it and defaults.yaml in step.
// Keys it does not declare are an organisation's own parameters for its
// custom rules, and are left to those rules.

// paramType is a small JSON type: kind is string, integer, number,
// boolean, list, map (any keys, elem values) or object (fields).
type paramType struct {
	kind     string
	elem     *paramType
	fields   map[string]*paramType
	required []string
	enum     []string
	min, max int // integer bounds, when max > 0
}

var (
	tString = &paramType{kind: "string"}
	tPort   = &paramType{kind: "integer", min: 1, max: 65535}
)

// catalogueParams are the parameters of data.mfpscan.config the built-in
// rules read. "rules" is checked by ruleConfig.
var catalogueParams = map[string]*paramType{
	"min_tls_version": {kind: "string", enum: []string{"ssl3", "tls1_0", "tls1_1", "tls1_2", "tls1_3"}},
	// The weakness classes of facts.Cipher.Weak that fail MFP-TLS-003.
	"weak_cipher_classes": {kind: "list", elem: &paramType{kind: "string", enum: []string{
		"null", "anon", "export", "rc4", "rc2", "des", "3des", "idea", "cbc_sha1", "no_pfs"}}},
	"forbidden_ports": {kind: "list", elem: &paramType{kind: "object", required: []string{"port", "protocol"}, fields: map[string]*paramType{
		"port":     tPort,
		"protocol": {kind: "string", enum: []string{"tcp", "udp"}},
		"reason":   tString,
	}}},
	"allowed_ports":               {kind: "list", elem: tPort},
	"approved_management_subnets": {kind: "list", elem: tString},
	"firmware_baselines":          {kind: "map", elem: tString},
	"default_snmp_communities":    {kind: "list", elem: tString},
	"rules":                       {kind: "map", elem: &paramType{kind: "map"}},
}

// checkParams checks the catalogue's parameters in one data document,
// named name, and reports the first wrong one by its key.
func checkParams(name string, doc map[string]any) error {
	mfp, _ := doc[reservedPackage].(map[string]any)
	cfgRaw, ok := mfp["config"]
	if !ok {
		return nil
	}
	cfg, ok := cfgRaw.(map[string]any)
	if !ok {
		return fmt.Errorf("data %s: mfpscan.config: want a mapping, got %s", name, describe(cfgRaw))
	}
	keys := make([]string, 0, len(cfg))
	for k := range cfg {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t, ok := catalogueParams[k]
		if !ok {
			continue
		}
		if err := t.check("mfpscan.config."+k, cfg[k]); err != nil {
			return fmt.Errorf("data %s: %w", name, err)
		}
	}
	return nil
}

func (t *paramType) check(key string, v any) error {
	switch t.kind {
	case "string":
		s, ok := v.(string)
		if !ok {
			return t.mismatch(key, v)
		}
		if len(t.enum) > 0 && !slices.Contains(t.enum, s) {
			return fmt.Errorf("%s: %q is not one of %s", key, s, strings.Join(t.enum, ", "))
		}
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			return t.mismatch(key, v)
		}
		i, err := n.Int64()
		if err != nil {
			return fmt.Errorf("%s: %s is not a whole number", key, n)
		}
		if t.max > 0 && (i < int64(t.min) || i > int64(t.max)) {
			return fmt.Errorf("%s: %d is outside %d..%d", key, i, t.min, t.max)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return t.mismatch(key, v)
		}
	case "list":
		l, ok := v.([]any)
		if !ok {
			return t.mismatch(key, v)
		}
		for i, e := range l {
			if err := t.elem.check(fmt.Sprintf("%s[%d]", key, i), e); err != nil {
				return err
			}
		}
	case "map", "object":
		m, ok := v.(map[string]any)
		if !ok {
			return t.mismatch(key, v)
		}
		for _, r := range t.required {
			if _, ok := m[r]; !ok {
				return fmt.Errorf("%s: %s is missing", key, r)
			}
		}
		ks := make([]string, 0, len(m))
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		for _, k := range ks {
			et := t.elem
			if t.kind == "object" {
				et = t.fields[k]
			}
			if et == nil {
				continue
			}
			if err := et.check(key+"."+k, m[k]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (t *paramType) mismatch(key string, v any) error {
	return fmt.Errorf("%s: want %s, got %s", key, t.describe(), describe(v))
}

func (t *paramType) describe() string {
	switch t.kind {
	case "list":
		return "a list of " + plural(t.elem.describe())
	case "map":
		if t.elem != nil {
			return "a mapping to " + plural(t.elem.describe())
		}
		return "a mapping"
	case "object":
		return "a mapping"
	case "integer":
		return "a whole number"
	}
	return "a " + t.kind
}

func plural(s string) string {
	return strings.TrimPrefix(s, "a ") + "s"
}

// describe names a decoded value's type the way a YAML author thinks of it.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("the string %q", x)
	case json.Number:
		return "the number " + x.String()
	case bool:
		return fmt.Sprintf("the boolean %v", x)
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return fmt.Sprintf("%T", v)
}
