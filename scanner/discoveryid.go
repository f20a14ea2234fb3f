package scanner

import (
	"net/url"
	"strings"

	"github.com/mfpscan/mfpscan/facts"
)

// Identity from discovery replies. A WS-Discovery ProbeMatch names the
// device's types and scopes, an SLP Service Reply its service URLs: they say
// what kind of device answers, rarely which model. Every hint is low
// confidence, below what SNMP, IPP or the Remote UI state, so it only
// decides when nothing better was read.
//
// The type and scope names come from the specifications (WS-Discovery 1.1,
// Microsoft's WSD print and scan device types, ONVIF Core §7.3 scopes, RFC
// 2608 / RFC 3712 service:printer); no public capture of a printer's reply
// was found to test them on (see testdata/wsd/README.md).

// wsdTypeKinds maps the local part of a WSD type (its prefix is whatever the
// device declared) to what it says about the device.
var wsdTypeKinds = map[string]string{
	"PrintDeviceType":         "print",
	"ScanDeviceType":          "scan",
	"FaxDeviceType":           "fax",
	"NetworkVideoTransmitter": "camera", // ONVIF device
	"Computer":                "computer",
}

// WSDHints reads identity hints from one WS-Discovery datagram; nil when it
// is not a reply the parser accepts.
func WSDHints(b []byte, source string) []facts.IdentityHint {
	r, err := parseWSDReply(b)
	if err != nil {
		return nil
	}
	kinds := map[string]bool{}
	var model, vendor string
	for _, m := range r.Matches {
		for _, t := range m.Types {
			_, local, found := strings.Cut(t, ":")
			if !found {
				local = t
			}
			if k := wsdTypeKinds[local]; k != "" {
				kinds[k] = true
			}
		}
		for _, sc := range m.Scopes {
			// ONVIF scopes name a device's maker and hardware model.
			if v, ok := strings.CutPrefix(sc, "onvif://www.onvif.org/hardware/"); ok {
				model = unescapeScope(v)
			}
			if v, ok := strings.CutPrefix(sc, "onvif://www.onvif.org/name/"); ok {
				vendor = unescapeScope(v)
			}
		}
	}
	var out []facts.IdentityHint
	add := func(field, value string) {
		if value != "" && len(value) <= 128 {
			out = append(out, facts.IdentityHint{Field: field, Value: value, Source: source, Confidence: facts.ConfidenceLow})
		}
	}
	switch {
	case kinds["print"]:
		add("printer", "true")
		if kinds["scan"] || kinds["fax"] {
			add("mfp", "true")
		}
	case kinds["camera"] || kinds["computer"]:
		add("not_printer", "true")
		// The model an ONVIF camera states is no printer model, but it
		// tells an operator what the address is.
		add("model", model)
		add("vendor", vendor)
	}
	return out
}

func unescapeScope(s string) string {
	if v, err := url.PathUnescape(s); err == nil {
		return strings.TrimSpace(v)
	}
	return strings.TrimSpace(s)
}

// SLPHints reads identity hints from one SLP datagram: a Service Reply
// carrying a service:printer URL is a printer. nil when the datagram is not
// a reply the parser accepts.
func SLPHints(b []byte, source string) []facts.IdentityHint {
	r, err := parseSLPReply(b)
	if err != nil || r.Function != slpSrvRply || r.ErrorCode != 0 {
		return nil
	}
	for _, u := range r.URLs {
		if strings.HasPrefix(strings.ToLower(u), "service:printer:") {
			return []facts.IdentityHint{{Field: "printer", Value: "true", Source: source, Confidence: facts.ConfidenceLow}}
		}
	}
	return nil
}
