package policies

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/mfpscan/mfpscan/internal/inputfile"
)

// maxWaiverFile caps a waivers file; thousands of waivers fit in far less.
const maxWaiverFile = 8 << 20

// waiverFile is the on-disk shape; unknown keys are rejected.
type waiverFile struct {
	Waivers []rawWaiver `yaml:"waivers"`
}

type rawWaiver struct {
	Rule     string   `yaml:"rule"`
	Selector Selector `yaml:"selector"`
	Reason   string   `yaml:"reason"`
	Expires  string   `yaml:"expires"`
}

// LoadWaivers reads a YAML waivers file:
//
//	waivers:
//	  - rule: MFP-TLS-001
//	    selector: {cidr: 10.1.0.0/24}
//	    reason: legacy scan-to-folder client, replacement ordered
//	    expires: 2026-12-31
//
// reason and expires are required; expires is a date (the waiver stops
// applying at 00:00 UTC that day) or an RFC 3339 time. Waivers past their
// date are returned with Expired set.
func LoadWaivers(path string, now time.Time) ([]Waiver, error) {
	if err := regularFile("read waivers", path, maxWaiverFile); err != nil {
		return nil, err
	}
	raw, err := inputfile.Read(path, maxWaiverFile)
	if err != nil {
		return nil, fmt.Errorf("read waivers %w", err)
	}
	return ParseWaivers(path, raw, now)
}

// ParseWaivers is LoadWaivers on bytes already read; name is used in errors.
func ParseWaivers(name string, raw []byte, now time.Time) ([]Waiver, error) {
	var file waiverFile
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("parse waivers %s: %w", name, err)
	}
	lines := waiverLines(raw)
	out := make([]Waiver, 0, len(file.Waivers))
	for i, rw := range file.Waivers {
		where := fmt.Sprintf("%s: waiver %d", name, i+1)
		if i < len(lines) {
			where = fmt.Sprintf("%s:%d: waiver %d", name, lines[i], i+1)
		}
		w, err := rw.toWaiver()
		if err != nil {
			return nil, fmt.Errorf("parse waivers %s: %w", where, err)
		}
		w.Expired = !now.Before(w.Expires)
		out = append(out, w)
	}
	return out, nil
}

// waiverLines finds the line of each item of the waivers list, so that
// errors found after decoding still point into the file.
func waiverLines(raw []byte) []int {
	var root yaml.Node
	if err := yaml.Unmarshal(raw, &root); err != nil || len(root.Content) == 0 {
		return nil
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value != "waivers" || doc.Content[i+1].Kind != yaml.SequenceNode {
			continue
		}
		var lines []int
		for _, item := range doc.Content[i+1].Content {
			lines = append(lines, item.Line)
		}
		return lines
	}
	return nil
}

func (rw rawWaiver) toWaiver() (Waiver, error) {
	w := Waiver{
		Rule:     strings.TrimSpace(rw.Rule),
		Selector: rw.Selector,
		Reason:   strings.TrimSpace(rw.Reason),
	}
	exp := strings.TrimSpace(rw.Expires)
	if exp == "" {
		return Waiver{}, errors.New("expires is required (a date such as 2026-12-31 or an RFC 3339 time)")
	}
	t, err := parseExpiry(exp)
	if err != nil {
		return Waiver{}, err
	}
	w.Expires = t
	if err := validateWaiver(w); err != nil {
		return Waiver{}, err
	}
	return w, nil
}

func parseExpiry(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("expires %q is neither a date (2026-12-31) nor an RFC 3339 time", s)
}

// validateWaiver checks what every waiver needs, whether it came from a
// file or from a caller building Options.Waivers.
func validateWaiver(w Waiver) error {
	switch {
	case w.Rule == "":
		return errors.New("rule is required")
	case w.Reason == "":
		return errors.New("reason is required")
	case w.Expires.IsZero():
		return errors.New("expires is required")
	}
	s := w.Selector
	if s.Address == "" && s.CIDR == "" && s.Serial == "" && s.Model == "" {
		return errors.New("selector needs at least one of address, cidr, serial, model")
	}
	if s.Address != "" {
		if _, err := netip.ParseAddr(s.Address); err != nil {
			return fmt.Errorf("selector address %q: %w", s.Address, err)
		}
	}
	if s.CIDR != "" {
		if _, err := netip.ParsePrefix(s.CIDR); err != nil {
			return fmt.Errorf("selector cidr %q: %w", s.CIDR, err)
		}
	}
	return nil
}

// setWaivers validates the waivers against the catalogue and splits them
// into the ones that apply and the expired ones.
func (e *Engine) setWaivers(ws []Waiver, now time.Time) error {
	for i, w := range ws {
		if err := validateWaiver(w); err != nil {
			return fmt.Errorf("check waiver %d (%s): %w", i+1, w.Rule, err)
		}
		if _, ok := e.byID[w.Rule]; !ok {
			return fmt.Errorf("check waiver %d: unknown rule %s", i+1, w.Rule)
		}
		w.Expired = !now.Before(w.Expires)
		if w.Expired {
			e.expired = append(e.expired, w)
			continue
		}
		e.waivers = append(e.waivers, w)
	}
	return nil
}

// ExpiredWaivers returns the waivers past their date: they were not applied.
func (e *Engine) ExpiredWaivers() []Waiver {
	return append([]Waiver(nil), e.expired...)
}

// Waivers returns the waivers that apply.
func (e *Engine) Waivers() []Waiver {
	return append([]Waiver(nil), e.waivers...)
}

// waiverFor returns a copy of the first unexpired waiver for rule that
// selects the device, or nil.
func (e *Engine) waiverFor(rule string, key deviceKey) *Waiver {
	for i := range e.waivers {
		w := e.waivers[i]
		if w.Rule == rule && w.Selector.Matches(key.Address, key.Serial, key.Model) {
			return &w
		}
	}
	return nil
}

// Matches reports whether every non-empty field of the selector matches the
// device. An empty selector matches nothing: a rule-wide waiver should be a
// disabled rule instead.
func (s Selector) Matches(address, serial, model string) bool {
	if s.Address == "" && s.CIDR == "" && s.Serial == "" && s.Model == "" {
		return false
	}
	addr, addrErr := netip.ParseAddr(address)
	if s.Address != "" {
		want, err := netip.ParseAddr(s.Address)
		if err != nil || addrErr != nil || want.Unmap() != addr.Unmap() {
			return false
		}
	}
	if s.CIDR != "" {
		p, err := netip.ParsePrefix(s.CIDR)
		if err != nil || addrErr != nil || !p.Contains(addr.Unmap()) {
			return false
		}
	}
	if s.Serial != "" && (serial == "" || !strings.EqualFold(s.Serial, serial)) {
		return false
	}
	if s.Model != "" && (model == "" || !strings.EqualFold(s.Model, model)) {
		return false
	}
	return true
}
