// Package factcount counts the facts two tools report about each device, so
// the collection benchmark can say which one "collected more": mfpscan's
// facts documents and nmap's XML output are both reduced to the number of
// non-empty leaf values that describe the device, grouped by category.
//
// A fact is one observed value (a TLS version accepted or refused, a cipher's
// name, a title, one header line, an SNMP community accepted). Bookkeeping
// is not a fact: addresses and port numbers that only identify an entry,
// collector statuses and timings, provenance (source, confidence), scan
// metadata, and raw response dumps (nmap's servicefp and fingerprint-strings).
package factcount

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// MaxFactsDoc caps one facts document; real ones are tens of kilobytes.
const MaxFactsDoc = 8 << 20

// MaxNmapXML caps an nmap XML file; 256 devices with -sV produce a few MB.
const MaxNmapXML = 512 << 20

// Device is what one tool reported about one address.
type Device struct {
	Address string
	// Categories maps a category (a facts document's top-level key, or
	// "ports" and "script:ID" for nmap) to its number of facts.
	Categories map[string]int
	// CollectorMS is each mfpscan collector's duration_ms on this device
	// (absent when it ran under a millisecond); nil for nmap.
	CollectorMS map[string]int64
}

// Total is the number of facts over all categories.
func (d Device) Total() int {
	n := 0
	for _, c := range d.Categories {
		n += c
	}
	return n
}

// topSkip are facts-document keys that describe the scan, not the device, or
// that are supplied by the operator rather than collected.
var topSkip = map[string]bool{
	"schema_version": true, "scan": true, "address": true, "family": true,
	"ip_class": true, "scanned_from": true, "collectors": true, "attestations": true,
}

// nestedSkip are keys that identify an entry or record provenance and
// outcome rather than an observation.
var nestedSkip = map[string]bool{
	"status": true, "reason": true, "duration_ms": true, "evidence": true,
	"source": true, "confidence": true, "device_id": true, "sources": true,
	"port": true, "protocol": true, "advisory_data": true, "communities_tried": true,
	"ip_class": true,
	// A cipher's numeric id restates its name.
	"id": true,
}

// CountFacts counts the facts of one mfpscan facts document.
func CountFacts(r io.Reader) (Device, error) {
	b, err := readCapped(r, MaxFactsDoc)
	if err != nil {
		return Device{}, fmt.Errorf("read facts: %w", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return Device{}, fmt.Errorf("decode facts: %w", err)
	}
	addr, _ := doc["address"].(string)
	if addr == "" {
		return Device{}, errors.New("decode facts: no address")
	}
	d := Device{Address: addr, Categories: map[string]int{}, CollectorMS: collectorTimes(doc["collectors"])}
	for k, v := range doc {
		if topSkip[k] {
			continue
		}
		if n := countLeaves(v); n > 0 {
			d.Categories[k] = n
		}
	}
	return d, nil
}

// collectorTimes reads collectors.NAME.duration_ms, ignoring anything else.
func collectorTimes(v any) map[string]int64 {
	out := map[string]int64{}
	cs, _ := v.(map[string]any)
	for name, c := range cs {
		m, _ := c.(map[string]any)
		if ms, ok := m["duration_ms"].(float64); ok && ms >= 0 && ms < 1e12 {
			out[name] = int64(ms)
		}
	}
	return out
}

// countLeaves counts non-empty scalars under v. Recursion depth is bounded
// by encoding/json's own nesting limit.
func countLeaves(v any) int {
	switch x := v.(type) {
	case nil:
		return 0
	case string:
		// "unknown" (login mode, advisory status) says nothing was learned.
		if t := strings.TrimSpace(x); t == "" || t == "unknown" {
			return 0
		}
		return 1
	case bool, float64:
		// A false is an observation too: "TLS 1.0 refused", "no HSTS".
		return 1
	case []any:
		n := 0
		for _, e := range x {
			n += countLeaves(e)
		}
		return n
	case map[string]any:
		n := 0
		for k, e := range x {
			if !nestedSkip[k] {
				n += countLeaves(e)
			}
		}
		return n
	}
	return 0
}

// readCapped reads all of r, failing rather than truncating past limit.
func readCapped(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("input larger than %d bytes", limit)
	}
	return b, nil
}

type nmapRun struct {
	Hosts []nmapHost `xml:"host"`
}

type nmapHost struct {
	Addresses []struct {
		Addr     string `xml:"addr,attr"`
		AddrType string `xml:"addrtype,attr"`
	} `xml:"address"`
	Ports       []nmapPort   `xml:"ports>port"`
	HostScripts []nmapScript `xml:"hostscript>script"`
}

type nmapPort struct {
	State struct {
		State string `xml:"state,attr"`
	} `xml:"state"`
	Service *struct {
		Name       string   `xml:"name,attr"`
		Product    string   `xml:"product,attr"`
		Version    string   `xml:"version,attr"`
		ExtraInfo  string   `xml:"extrainfo,attr"`
		Hostname   string   `xml:"hostname,attr"`
		OSType     string   `xml:"ostype,attr"`
		DeviceType string   `xml:"devicetype,attr"`
		Tunnel     string   `xml:"tunnel,attr"`
		CPE        []string `xml:"cpe"`
	} `xml:"service"`
	Scripts []nmapScript `xml:"script"`
}

type nmapScript struct {
	ID     string      `xml:"id,attr"`
	Output string      `xml:"output,attr"`
	Elems  []nmapElem  `xml:"elem"`
	Tables []nmapTable `xml:"table"`
}

type nmapTable struct {
	Elems  []nmapElem  `xml:"elem"`
	Tables []nmapTable `xml:"table"`
}

type nmapElem struct {
	Value string `xml:",chardata"`
}

// rawScripts dump probe responses byte for byte: data, not facts.
var rawScripts = map[string]bool{"fingerprint-strings": true}

// CountNmapXML counts the facts nmap reported per host, in file order.
func CountNmapXML(r io.Reader) ([]Device, error) {
	b, err := readCapped(r, MaxNmapXML)
	if err != nil {
		return nil, fmt.Errorf("read nmap xml: %w", err)
	}
	var run nmapRun
	if err := xml.Unmarshal(b, &run); err != nil {
		return nil, fmt.Errorf("decode nmap xml: %w", err)
	}
	out := make([]Device, 0, len(run.Hosts))
	for _, h := range run.Hosts {
		d := Device{Categories: map[string]int{}}
		for _, a := range h.Addresses {
			if a.AddrType == "ipv4" || a.AddrType == "ipv6" {
				d.Address = a.Addr
				break
			}
		}
		if d.Address == "" {
			return nil, errors.New("decode nmap xml: host without an IP address")
		}
		for _, p := range h.Ports {
			countNmapPort(d.Categories, p)
		}
		for _, s := range h.HostScripts {
			countScript(d.Categories, s)
		}
		for k, v := range d.Categories {
			if v == 0 {
				delete(d.Categories, k)
			}
		}
		out = append(out, d)
	}
	return out, nil
}

func countNmapPort(cats map[string]int, p nmapPort) {
	if p.State.State != "" {
		cats["ports"]++
	}
	if s := p.Service; s != nil {
		for _, v := range []string{s.Name, s.Product, s.Version, s.ExtraInfo, s.Hostname, s.OSType, s.DeviceType, s.Tunnel} {
			if strings.TrimSpace(v) != "" {
				cats["ports"]++
			}
		}
		cats["ports"] += countNonEmpty(s.CPE)
	}
	for _, sc := range p.Scripts {
		countScript(cats, sc)
	}
}

// countScript counts a script's structured elements; a script that only
// has text output (http-headers, snmp-sysdescr) counts one per line.
func countScript(cats map[string]int, s nmapScript) {
	if rawScripts[s.ID] {
		return
	}
	key := "script:" + s.ID
	if len(s.Elems) > 0 || len(s.Tables) > 0 {
		cats[key] += countElems(s.Elems) + countTables(s.Tables)
		return
	}
	for _, line := range strings.Split(s.Output, "\n") {
		line = strings.TrimSpace(line)
		// http-headers ends with "(Request type: HEAD)": how, not what.
		if line != "" && !strings.HasPrefix(line, "(Request type:") {
			cats[key]++
		}
	}
}

func countElems(es []nmapElem) int {
	n := 0
	for _, e := range es {
		if strings.TrimSpace(e.Value) != "" {
			n++
		}
	}
	return n
}

// countTables recurses; encoding/xml bounds the nesting it will decode.
func countTables(ts []nmapTable) int {
	n := 0
	for _, t := range ts {
		n += countElems(t.Elems) + countTables(t.Tables)
	}
	return n
}

func countNonEmpty(ss []string) int {
	n := 0
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			n++
		}
	}
	return n
}

// Categories returns the sorted union of the categories of ds.
func Categories(ds []Device) []string {
	seen := map[string]bool{}
	for _, d := range ds {
		for k := range d.Categories {
			seen[k] = true
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
