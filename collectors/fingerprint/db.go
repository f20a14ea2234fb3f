package fingerprint

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mfpscan/mfpscan/facts"
)

//go:embed fingerprints.yaml
var embedded []byte

// Evidence sources a fingerprint can match.
const (
	SourceSysDescr    = "sysdescr"
	SourceSysObjectID = "sysobjectid"
	SourceHTTPServer  = "http_server"
	SourceHTTPTitle   = "http_title"
	SourceCertSubject = "cert_subject"
	SourceFTPBanner   = "ftp_banner"
	SourceSMTPBanner  = "smtp_banner"
	// SourceTelnetBanner is the greeting of a telnet port, IAC option
	// bytes included: print servers name themselves there.
	SourceTelnetBanner = "telnet_banner"
	SourcePJLID        = "pjl_id"
	SourceIPPMakeModel = "ipp_make_model"
	SourceModel        = "model"
	// SourceSNMPEngine is the IANA enterprise number in the SNMPv3 engine
	// ID, readable even when every v1/v2c community is refused.
	SourceSNMPEngine = "snmp_engine"
)

// maxInput bounds the text a pattern is run on; evidence strings are short,
// anything longer is device junk.
const maxInput = 1024

// Fingerprint is one entry of the data file. Model, Firmware and Serial are
// templates: $1.. expand capture groups of Pattern.
type Fingerprint struct {
	ID         string `yaml:"id"`
	Source     string `yaml:"source"`
	Pattern    string `yaml:"pattern"`
	Vendor     string `yaml:"vendor"`
	Family     string `yaml:"family"`
	Model      string `yaml:"model"`
	Firmware   string `yaml:"firmware"`
	Serial     string `yaml:"serial"`
	Printer    *bool  `yaml:"printer"`
	MFP        *bool  `yaml:"mfp"`
	NotPrinter bool   `yaml:"not_printer"`
	Confidence string `yaml:"confidence"`

	re *regexp.Regexp
}

// DB is a compiled fingerprint file.
type DB struct {
	Version      string        `yaml:"version"`
	Fingerprints []Fingerprint `yaml:"fingerprints"`
}

var validSources = map[string]bool{
	SourceSysDescr: true, SourceSysObjectID: true, SourceHTTPServer: true, SourceHTTPTitle: true,
	SourceCertSubject: true, SourceFTPBanner: true, SourceSMTPBanner: true, SourceTelnetBanner: true, SourcePJLID: true,
	SourceIPPMakeModel: true, SourceModel: true, SourceSNMPEngine: true,
}

// Load parses and compiles a fingerprint file.
func Load(data []byte) (*DB, error) {
	var db DB
	if err := yaml.Unmarshal(data, &db); err != nil {
		return nil, fmt.Errorf("parse fingerprints: %w", err)
	}
	if db.Version == "" {
		return nil, fmt.Errorf("parse fingerprints: missing version")
	}
	seen := map[string]bool{}
	for i := range db.Fingerprints {
		fp := &db.Fingerprints[i]
		switch {
		case fp.ID == "" || seen[fp.ID]:
			return nil, fmt.Errorf("load fingerprint %d: missing or duplicate id %q", i, fp.ID)
		case !validSources[fp.Source]:
			return nil, fmt.Errorf("load fingerprint %s: unknown source %q", fp.ID, fp.Source)
		case fp.Confidence != string(facts.ConfidenceHigh) && fp.Confidence != string(facts.ConfidenceMedium) && fp.Confidence != string(facts.ConfidenceLow):
			return nil, fmt.Errorf("load fingerprint %s: bad confidence %q", fp.ID, fp.Confidence)
		}
		seen[fp.ID] = true
		re, err := regexp.Compile(fp.Pattern)
		if err != nil {
			return nil, fmt.Errorf("compile fingerprint %s: %w", fp.ID, err)
		}
		fp.re = re
	}
	return &db, nil
}

// Default returns the embedded fingerprint file, compiled.
func Default() (*DB, error) { return Load(embedded) }

// Match is what one fingerprint says about one piece of evidence.
type Match struct {
	ID         string
	Vendor     string
	Family     string
	Model      string
	Firmware   string
	Serial     string
	Printer    *bool
	MFP        *bool
	NotPrinter bool
	Confidence facts.Confidence
}

// Match runs every fingerprint of source on value, in file order.
func (db *DB) Match(source, value string) []Match {
	value = strings.TrimSpace(value)
	if value == "" {
		return nil
	}
	if len(value) > maxInput {
		value = strings.ToValidUTF8(value[:maxInput], "")
	}
	var out []Match
	for i := range db.Fingerprints {
		fp := &db.Fingerprints[i]
		if fp.Source != source {
			continue
		}
		idx := fp.re.FindStringSubmatchIndex(value)
		if idx == nil {
			continue
		}
		m := Match{ID: fp.ID, Vendor: fp.Vendor, Family: fp.Family, Printer: fp.Printer, MFP: fp.MFP,
			NotPrinter: fp.NotPrinter, Confidence: facts.Confidence(fp.Confidence)}
		expand := func(tmpl string) string {
			if tmpl == "" {
				return ""
			}
			return strings.TrimSpace(string(fp.re.ExpandString(nil, tmpl, value, idx)))
		}
		m.Model, m.Firmware, m.Serial = expand(fp.Model), expand(fp.Firmware), expand(fp.Serial)
		out = append(out, m)
	}
	return out
}
