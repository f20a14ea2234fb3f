// Package fingerprint is the identity fusion analyser: it matches what the
// protocol collectors saw against a fingerprint file, then picks, per
// identity field, the value from the most confident source.
package fingerprint

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/facts"
)

// Analyser is the fingerprint fusion analyser.
type Analyser struct {
	db  *DB
	err error
}

// New returns the analyser with the embedded fingerprints. A broken embedded
// file is reported by Analyse as an error status, never a panic.
func New() collectors.Analyser {
	db, err := Default()
	return &Analyser{db: db, err: err}
}

// NewWithDB returns the analyser with a custom fingerprint database.
func NewWithDB(db *DB) *Analyser { return &Analyser{db: db} }

// Name implements collectors.Analyser.
func (*Analyser) Name() string { return "fingerprint" }

// Analyse implements collectors.Analyser.
func (a *Analyser) Analyse(_ context.Context, _ *collectors.Env, _ *collectors.Target, doc *facts.Device) facts.CollectorStatus {
	if a.err != nil {
		return facts.CollectorStatus{Status: facts.StatusError, Reason: a.err.Error()}
	}
	Fuse(a.db, doc)
	return facts.CollectorStatus{Status: facts.StatusOK}
}

// oidHrDeviceDescr is HOST-RESOURCES-MIB hrDeviceDescr of the first device.
const oidHrDeviceDescr = "1.3.6.1.2.1.25.3.2.1.3.1"

// evidence is one string to match, with where it came from.
type evidence struct {
	source, value, where string
}

// gather lists the evidence strings the protocol collectors left.
func gather(doc *facts.Device) []evidence {
	var ev []evidence
	if s := doc.SNMP; s != nil {
		ev = append(ev, evidence{SourceSysDescr, s.SysDescr, "snmp:1.3.6.1.2.1.1.1.0"},
			evidence{SourceSysObjectID, s.SysObjectID, "snmp:1.3.6.1.2.1.1.2.0"})
		// hrDeviceDescr names the printer in the same "Vendor Model" layout
		// as many sysDescr strings (and names it where sysDescr is generic).
		ev = append(ev, evidence{SourceSysDescr, s.Values[oidHrDeviceDescr], "snmp:" + oidHrDeviceDescr})
		if s.EngineEnterprise > 0 {
			ev = append(ev, evidence{SourceSNMPEngine, strconv.Itoa(s.EngineEnterprise), "snmp:v3-engine-id"})
		}
	}
	for _, h := range doc.HTTP {
		ev = append(ev, evidence{SourceHTTPServer, h.Server, fmt.Sprintf("http:%d:server", h.Port)},
			evidence{SourceHTTPTitle, h.Title, fmt.Sprintf("http:%d:title", h.Port)})
	}
	for _, t := range doc.TLS {
		if t.Certificate != nil {
			ev = append(ev, evidence{SourceCertSubject, t.Certificate.Subject, fmt.Sprintf("tls:%d:subject", t.Port)})
		}
	}
	for _, b := range doc.Banners {
		src := map[string]string{"ftp": SourceFTPBanner, "smtp": SourceSMTPBanner, "telnet": SourceTelnetBanner, "pjl": SourcePJLID}[b.Service]
		if src != "" {
			first, _, _ := strings.Cut(b.Text, "\n")
			if src == SourcePJLID {
				first = b.Text
			}
			ev = append(ev, evidence{src, first, fmt.Sprintf("banner:%s:%d", b.Service, b.Port)})
		}
	}
	for _, p := range doc.IPP {
		ev = append(ev, evidence{SourceIPPMakeModel, p.MakeAndModel, fmt.Sprintf("ipp:%d:printer-make-and-model", p.Port)})
	}
	return ev
}

// hintsFrom turns matches into identity hints.
func hintsFrom(ms []Match, where string) []facts.IdentityHint {
	var out []facts.IdentityHint
	add := func(field, value string, c facts.Confidence) {
		if value != "" {
			out = append(out, facts.IdentityHint{Field: field, Value: value, Source: where, Confidence: c})
		}
	}
	for _, m := range ms {
		add("vendor", m.Vendor, m.Confidence)
		add("product_family", m.Family, m.Confidence)
		add("model", m.Model, m.Confidence)
		add("firmware", m.Firmware, m.Confidence)
		add("serial", m.Serial, m.Confidence)
		if m.Printer != nil {
			add("printer", fmt.Sprint(*m.Printer), m.Confidence)
		}
		if m.MFP != nil {
			add("mfp", fmt.Sprint(*m.MFP), m.Confidence)
		}
		if m.NotPrinter {
			add("not_printer", "true", m.Confidence)
		}
	}
	return out
}
