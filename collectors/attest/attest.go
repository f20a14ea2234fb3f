// Package attest merges organisation-supplied attestations — facts the
// network cannot show, such as a locked room or audit logs forwarded to a
// SIEM — into facts documents.
//
// A file lists entries keyed by `match`: an address, a CIDR or a serial
// number. When several entries match a device, the most specific wins field
// by field: serial, then address, then the longest CIDR.
package attest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/inputfile"
)

// Entry is one attestation row.
type Entry struct {
	Match                 string `yaml:"match"`
	AccessControlledRoom  *bool  `yaml:"access_controlled_room"`
	FirewallRestricted    *bool  `yaml:"firewall_restricted"`
	FirmwareVerification  *bool  `yaml:"firmware_verification"`
	AuditLogForwarded     *bool  `yaml:"audit_log_forwarded"`
	SecurityPolicyApplied *bool  `yaml:"security_policy_applied"`
	AutoFirmwareUpdate    *bool  `yaml:"auto_firmware_update"`
	TwoFactorAuth         *bool  `yaml:"two_factor_auth"`
	WirelessSecurity      string `yaml:"wireless_security"`
	Notes                 string `yaml:"notes"`

	kind   matchKind
	addr   netip.Addr
	prefix netip.Prefix
	line   int
}

type matchKind int

// Match kinds, least specific first, so sorting by kind orders precedence.
const (
	matchCIDR matchKind = iota
	matchAddress
	matchSerial
)

// maxAttestFile caps an attestation file: a line per device of a large
// fleet is far below it.
const maxAttestFile = 32 << 20

// Set is a parsed attestation file.
type Set struct {
	source  string
	entries []Entry
}

var wirelessValues = []string{"none", "wep", "wpa", "wpa2", "wpa3", "disabled"}

// Load reads a YAML (`attestations: [...]`) or CSV (header row naming the
// same keys) file. Errors name the file and line.
func Load(path string) (*Set, error) {
	raw, err := inputfile.Read(path, maxAttestFile)
	if err != nil {
		return nil, fmt.Errorf("read attestations: %w", err)
	}
	var entries []Entry
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		entries, err = parseCSV(path, raw)
	} else {
		entries, err = parseYAML(path, raw)
	}
	if err != nil {
		return nil, err
	}
	for i := range entries {
		if err := entries[i].compile(); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, entries[i].line, err)
		}
	}
	return &Set{source: filepath.Base(path), entries: entries}, nil
}

func parseYAML(path string, raw []byte) ([]Entry, error) {
	var doc struct {
		Attestations []yaml.Node `yaml:"attestations"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("parse attestations %s: %w", path, err)
	}
	out := make([]Entry, 0, len(doc.Attestations))
	for _, n := range doc.Attestations {
		var e Entry
		if err := decodeStrict(&n, &e); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n.Line, err)
		}
		e.line = n.Line
		out = append(out, e)
	}
	return out, nil
}

// decodeStrict rejects unknown keys so a misspelled attestation is an error,
// not a silently missing fact.
func decodeStrict(n *yaml.Node, e *Entry) error {
	if n.Kind != yaml.MappingNode {
		return errors.New("attestation entry must be a mapping")
	}
	known := []string{"match", "access_controlled_room", "firewall_restricted", "firmware_verification",
		"audit_log_forwarded", "security_policy_applied", "auto_firmware_update", "two_factor_auth", "wireless_security", "notes"}
	for i := 0; i < len(n.Content); i += 2 {
		if k := n.Content[i].Value; !slices.Contains(known, k) {
			return fmt.Errorf("unknown key %q (valid: %s)", k, strings.Join(known, ", "))
		}
	}
	return n.Decode(e)
}

func parseCSV(path string, raw []byte) ([]Entry, error) {
	r := csv.NewReader(bytes.NewReader(raw))
	r.Comment = '#'
	r.TrimLeadingSpace = true
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("parse attestations %s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	header := rows[0]
	var out []Entry
	for i, row := range rows[1:] {
		line := i + 2
		e := Entry{line: line}
		for col, key := range header {
			if col >= len(row) || strings.TrimSpace(row[col]) == "" {
				continue
			}
			if err := e.set(strings.TrimSpace(strings.ToLower(key)), strings.TrimSpace(row[col])); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", path, line, err)
			}
		}
		out = append(out, e)
	}
	return out, nil
}

func (e *Entry) set(key, value string) error {
	boolField := map[string]**bool{
		"access_controlled_room":  &e.AccessControlledRoom,
		"firewall_restricted":     &e.FirewallRestricted,
		"firmware_verification":   &e.FirmwareVerification,
		"audit_log_forwarded":     &e.AuditLogForwarded,
		"security_policy_applied": &e.SecurityPolicyApplied,
		"auto_firmware_update":    &e.AutoFirmwareUpdate,
		"two_factor_auth":         &e.TwoFactorAuth,
	}
	if dst, ok := boolField[key]; ok {
		b, err := strconv.ParseBool(strings.ToLower(value))
		if err != nil {
			return fmt.Errorf("column %s: %q is not true or false", key, value)
		}
		*dst = &b
		return nil
	}
	textField := map[string]*string{
		"match":             &e.Match,
		"wireless_security": &e.WirelessSecurity,
		"notes":             &e.Notes,
	}
	dst, ok := textField[key]
	if !ok {
		return fmt.Errorf("unknown column %q", key)
	}
	*dst = value
	return nil
}

func (e *Entry) compile() error {
	m := strings.TrimSpace(e.Match)
	switch {
	case m == "":
		return errors.New("attestation without `match` (an address, a CIDR or a serial number)")
	case strings.Contains(m, "/"):
		p, err := netip.ParsePrefix(m)
		if err != nil {
			return fmt.Errorf("match %q: %w", m, err)
		}
		e.kind, e.prefix = matchCIDR, p.Masked()
	default:
		if a, err := netip.ParseAddr(m); err == nil {
			e.kind, e.addr = matchAddress, a
		} else {
			e.kind = matchSerial
		}
	}
	if e.WirelessSecurity != "" {
		e.WirelessSecurity = strings.ToLower(e.WirelessSecurity)
		if !slices.Contains(wirelessValues, e.WirelessSecurity) {
			return fmt.Errorf("wireless_security %q (valid: %s)", e.WirelessSecurity, strings.Join(wirelessValues, ", "))
		}
	}
	return nil
}

func (e *Entry) matches(addr netip.Addr, serial string) bool {
	switch e.kind {
	case matchSerial:
		return serial != "" && strings.EqualFold(e.Match, serial)
	case matchAddress:
		return addr.IsValid() && e.addr == addr
	default:
		return addr.IsValid() && e.prefix.Contains(addr)
	}
}

// Apply merges every matching entry into doc.Attestations, most specific
// last so it wins. A device no entry matches keeps Attestations nil:
// "not attested" is different from "attested false".
func (s *Set) Apply(doc *facts.Device) {
	if s == nil || doc == nil {
		return
	}
	addr, _ := netip.ParseAddr(doc.Address)
	serial := ""
	if doc.Identity.Serial != nil {
		serial = doc.Identity.Serial.Value
	}
	var hits []*Entry
	for i := range s.entries {
		if s.entries[i].matches(addr, serial) {
			hits = append(hits, &s.entries[i])
		}
	}
	if len(hits) == 0 {
		return
	}
	slices.SortStableFunc(hits, func(a, b *Entry) int {
		if a.kind != b.kind {
			return int(a.kind) - int(b.kind)
		}
		return a.prefix.Bits() - b.prefix.Bits()
	})
	out := &facts.Attestations{Source: s.source}
	for _, e := range hits {
		mergeEntry(out, e)
	}
	doc.Attestations = out
}

func mergeEntry(out *facts.Attestations, e *Entry) {
	set := func(dst **bool, v *bool) {
		if v != nil {
			b := *v
			*dst = &b
		}
	}
	set(&out.AccessControlledRoom, e.AccessControlledRoom)
	set(&out.FirewallRestricted, e.FirewallRestricted)
	set(&out.FirmwareVerification, e.FirmwareVerification)
	set(&out.AuditLogForwarded, e.AuditLogForwarded)
	set(&out.SecurityPolicyApplied, e.SecurityPolicyApplied)
	set(&out.AutoFirmwareUpdate, e.AutoFirmwareUpdate)
	set(&out.TwoFactorAuth, e.TwoFactorAuth)
	if e.WirelessSecurity != "" {
		out.WirelessSecurity = e.WirelessSecurity
	}
	if e.Notes != "" {
		out.Notes = e.Notes
	}
}
