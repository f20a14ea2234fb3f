package policies

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/util"
	"gopkg.in/yaml.v3"

	"github.com/mfpscan/mfpscan/internal/inputfile"
)

// maxDataFile caps a data file: organisation parameters are small, and a
// runaway file should fail clearly rather than exhaust memory.
const maxDataFile = 32 << 20

// ruleSettings is one entry of data.mfpscan.config.rules.
type ruleSettings struct {
	Enabled  *bool
	Severity string
}

// buildData merges the embedded defaults, bundle data and --data files, in
// that order: objects merge key by key, anything else (lists included) is
// replaced by the later file.
func buildData(defaults map[string]any, bundles []namedDoc, files []string) (map[string]any, error) {
	data := map[string]any{}
	if defaults != nil {
		data = deepCopyMap(defaults)
	}
	for _, b := range bundles {
		norm, err := normalise(b.doc)
		if err != nil {
			return nil, fmt.Errorf("load bundle data %s: %w", b.name, err)
		}
		m, ok := norm.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("load bundle data %s: not an object", b.name)
		}
		if err := checkReservedData(b.name, m); err != nil {
			return nil, err
		}
		if err := checkParams(b.name, m); err != nil {
			return nil, err
		}
		mergeInto(data, m)
	}
	for _, f := range files {
		doc, err := readDataFile(f)
		if err != nil {
			return nil, err
		}
		if err := checkReservedData(f, doc); err != nil {
			return nil, err
		}
		if err := checkParams(f, doc); err != nil {
			return nil, err
		}
		mergeInto(data, doc)
	}
	return data, nil
}

// checkReservedData refuses data under the catalogue's namespace other than
// its parameters (mfpscan.config): data beside the built-in packages would
// sit where their rules are.
func checkReservedData(name string, doc map[string]any) error {
	v, ok := doc[reservedPackage]
	if !ok {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("data %s: %s must be a mapping holding config", name, reservedPackage)
	}
	for k := range m {
		if k != "config" {
			return fmt.Errorf("data %s: %s.%s is reserved for the built-in catalogue; organisation parameters go under %s.config", name, reservedPackage, k, reservedPackage)
		}
	}
	return nil
}

func readDataFile(path string) (map[string]any, error) {
	if err := regularFile("read data file", path, maxDataFile); err != nil {
		return nil, err
	}
	raw, err := inputfile.Read(path, maxDataFile)
	if err != nil {
		return nil, fmt.Errorf("read data file %w", err)
	}
	return parseDataFile(path, raw)
}

// parseDataFile decodes a YAML or JSON object and normalises it to the JSON
// types the store expects. Errors name the file and, where the decoder
// knows it, the line.
func parseDataFile(name string, raw []byte) (map[string]any, error) {
	var doc any
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				return nil, fmt.Errorf("parse data file %s:%d: %w", name, lineAt(raw, se.Offset), err)
			}
			return nil, fmt.Errorf("parse data file %s: %w", name, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("parse data file %s: trailing data after the JSON object", name)
		}
	default:
		if err := yaml.Unmarshal(raw, &doc); err != nil {
			return nil, fmt.Errorf("parse data file %s: %w", name, err)
		}
	}
	if doc == nil {
		return map[string]any{}, nil
	}
	norm, err := normalise(doc)
	if err != nil {
		return nil, fmt.Errorf("parse data file %s: %w", name, err)
	}
	m, ok := norm.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("parse data file %s: top level must be a mapping, got %T", name, norm)
	}
	return m, nil
}

func lineAt(raw []byte, offset int64) int {
	if offset > int64(len(raw)) {
		offset = int64(len(raw))
	}
	return bytes.Count(raw[:offset], []byte("\n")) + 1
}

// normalise turns YAML's decoded values (non-string keys, timestamps, Go
// ints) into plain JSON values via a JSON round trip.
func normalise(v any) (any, error) {
	fixed, err := stringKeys(v, 0)
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(fixed)
	if err != nil {
		return nil, fmt.Errorf("encode data: %w", err)
	}
	var out any
	if err := util.UnmarshalJSON(raw, &out); err != nil {
		return nil, fmt.Errorf("decode data: %w", err)
	}
	return out, nil
}

// stringKeyed is stringKeys for a mapping: YAML may key one by any scalar,
// JSON and the store only by strings.
func stringKeyed[K comparable](m map[K]any, depth int) (map[string]any, error) {
	out := make(map[string]any, len(m))
	for k, e := range m {
		n, err := stringKeys(e, depth+1)
		if err != nil {
			return nil, err
		}
		out[fmt.Sprint(k)] = n
	}
	return out, nil
}

// maxDataDepth bounds recursion on pathological (e.g. aliased) documents.
const maxDataDepth = 100

func stringKeys(v any, depth int) (any, error) {
	if depth > maxDataDepth {
		return nil, fmt.Errorf("data nested deeper than %d levels", maxDataDepth)
	}
	switch x := v.(type) {
	case map[string]any:
		return stringKeyed(x, depth)
	case map[any]any:
		return stringKeyed(x, depth)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			n, err := stringKeys(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	case time.Time:
		return x.Format(time.RFC3339Nano), nil
	}
	return v, nil
}

// mergeInto deep-merges src into dst: objects merge, everything else is
// replaced.
func mergeInto(dst, src map[string]any) {
	for k, v := range src {
		sm, sok := v.(map[string]any)
		dm, dok := dst[k].(map[string]any)
		if sok && dok {
			mergeInto(dm, sm)
			continue
		}
		if sok {
			v = deepCopyMap(sm)
		}
		dst[k] = v
	}
}

func deepCopyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deepCopy(v)
	}
	return out
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return deepCopyMap(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// ruleConfig reads data.mfpscan.config.rules and validates each entry, so a
// typo in an override fails the load instead of being ignored.
func ruleConfig(data map[string]any) (map[string]ruleSettings, error) {
	mfp, _ := data["mfpscan"].(map[string]any)
	cfg, _ := mfp["config"].(map[string]any)
	raw, ok := cfg["rules"]
	if !ok || raw == nil {
		return nil, nil
	}
	rules, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("data: mfpscan.config.rules must be a mapping of rule id to settings, got %T", raw)
	}
	ids := make([]string, 0, len(rules))
	for id := range rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make(map[string]ruleSettings, len(rules))
	for _, id := range ids {
		entry, ok := rules[id].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("data: mfpscan.config.rules.%s must be a mapping", id)
		}
		var s ruleSettings
		for k, v := range entry {
			switch k {
			case "enabled":
				b, ok := v.(bool)
				if !ok {
					return nil, fmt.Errorf("data: mfpscan.config.rules.%s.enabled must be true or false", id)
				}
				s.Enabled = &b
			case "severity":
				sev, _ := v.(string)
				sev = strings.ToLower(sev)
				if SeverityRank(sev) == 0 {
					return nil, fmt.Errorf("data: mfpscan.config.rules.%s.severity %v is not one of %s", id, v, strings.Join(Severities, "|"))
				}
				s.Severity = sev
			default:
				return nil, fmt.Errorf("data: mfpscan.config.rules.%s: unknown setting %q (want enabled, severity)", id, k)
			}
		}
		out[id] = s
	}
	return out, nil
}

// checkOverrides rejects overrides of rules that are not in the catalogue:
// a misspelled id would otherwise leave the rule silently enabled.
func checkOverrides(cfg map[string]ruleSettings, entries []*ruleEntry) error {
	known := make(map[string]bool, len(entries))
	for _, ent := range entries {
		known[ent.rule.ID] = true
	}
	var unknown []string
	for id := range cfg {
		if !known[id] {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("data: mfpscan.config.rules names rules not in the catalogue: %s", strings.Join(unknown, ", "))
	}
	return nil
}
