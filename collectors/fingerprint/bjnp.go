package fingerprint

import (
	"strings"

	"github.com/mfpscan/mfpscan/facts"
)

// BJNPHints turns the decoded fields of a Canon BJNP identity reply (the
// IEEE 1284 device ID keys nmap's bjnp.lua names: MFG, MDL, DES, VER, CMD,
// CLS) into identity hints. The BJNP probe itself belongs to the collector
// of issue 12; this only interprets what it decoded. where names the
// evidence, e.g. "bjnp:8611".
func BJNPHints(fields map[string]string, where string) []facts.IdentityHint {
	get := func(k string) string {
		for key, v := range fields {
			if strings.EqualFold(key, k) {
				return strings.TrimSpace(v)
			}
		}
		return ""
	}
	var out []facts.IdentityHint
	add := func(field, value string, c facts.Confidence) {
		if value != "" && len(value) <= maxInput {
			out = append(out, facts.IdentityHint{Field: field, Value: value, Source: where, Confidence: c})
		}
	}
	mfg := get("MFG")
	if strings.EqualFold(mfg, "Canon") {
		add("vendor", "Canon", facts.ConfidenceHigh)
	}
	model := get("MDL")
	if model == "" {
		model = strings.TrimSpace(strings.TrimPrefix(get("DES"), mfg+" "))
	}
	add("model", model, facts.ConfidenceHigh)
	add("firmware", get("VER"), facts.ConfidenceMedium)
	// The scanner port (8612) answers "MultiPass" for the scanner unit of
	// the same device: that says nothing against it being a printer.
	cls, cmd := strings.ToUpper(get("CLS")), get("CMD")
	if cls == "PRINTER" || strings.Contains(cmd, "BJL") || strings.Contains(cmd, "BJRaster") {
		add("printer", "true", facts.ConfidenceHigh)
	}
	return out
}
