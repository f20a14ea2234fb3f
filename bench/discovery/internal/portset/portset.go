// Package portset reads the open TCP ports that each benchmarked tool
// reported (mfpscan's JSON lines, nmap's XML) and the lab's ground truth,
// and compares them as sets of (address, port).
//
// The parsers are pure and bounded: tool output is capped at MaxInput bytes
// and never trusted to be well formed.
package portset

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"

	"github.com/mfpscan/mfpscan/bench/internal/labtruth"
)

// MaxInput caps what a parser reads; a /16 sweep's output is far below it.
const MaxInput = 64 << 20

// maxLine caps one JSON line of mfpscan output; a real one is ~100 bytes.
const maxLine = 64 << 10

// Key is one open TCP port on one address.
type Key struct {
	Addr netip.Addr
	Port int
}

func (k Key) String() string { return netip.AddrPortFrom(k.Addr, uint16(k.Port)).String() }

// Set is a set of open ports.
type Set map[Key]struct{}

// Sorted returns the keys in address, then port order.
func (s Set) Sorted() []Key {
	out := make([]Key, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b Key) int {
		return cmp.Or(a.Addr.Compare(b.Addr), cmp.Compare(a.Port, b.Port))
	})
	return out
}

// Diff returns what want has that got lacks, and what got has beyond want.
func Diff(want, got Set) (missing, extra []Key) {
	for _, k := range want.Sorted() {
		if _, ok := got[k]; !ok {
			missing = append(missing, k)
		}
	}
	for _, k := range got.Sorted() {
		if _, ok := want[k]; !ok {
			extra = append(extra, k)
		}
	}
	return missing, extra
}

func (s Set) add(addr string, port int) error {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return fmt.Errorf("parse address %q: %w", addr, err)
	}
	if port < 1 || port > 65535 {
		return fmt.Errorf("check port %d of %s: out of range", port, a)
	}
	s[Key{Addr: a.Unmap(), Port: port}] = struct{}{}
	return nil
}

// readCapped reads all of r, failing rather than truncating past MaxInput.
func readCapped(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxInput+1))
	if err != nil {
		return nil, fmt.Errorf("read input: %w", err)
	}
	if len(b) > MaxInput {
		return nil, fmt.Errorf("read input: larger than %d bytes", MaxInput)
	}
	return b, nil
}

// mfpscanLine is one line of `mfpscan discover --json`.
type mfpscanLine struct {
	Address  string `json:"address"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
	State    string `json:"state"`
}

// ParseMfpscanJSON reads `mfpscan discover --json` output and returns its
// open TCP ports; UDP services and non-open states are skipped. Blank lines
// are allowed; any other line that is not a JSON object is an error.
func ParseMfpscanJSON(r io.Reader) (Set, error) {
	sc := bufio.NewScanner(io.LimitReader(r, MaxInput+1))
	sc.Buffer(make([]byte, 4096), maxLine)
	out := Set{}
	n, read := 0, 0
	for sc.Scan() {
		n++
		read += len(sc.Bytes()) + 1
		if read > MaxInput+1 {
			return nil, fmt.Errorf("read mfpscan output: larger than %d bytes", MaxInput)
		}
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var l mfpscanLine
		if err := json.Unmarshal(line, &l); err != nil {
			return nil, fmt.Errorf("parse mfpscan line %d: %w", n, err)
		}
		if l.Protocol != "tcp" || l.State != "open" {
			continue
		}
		if err := out.add(l.Address, l.Port); err != nil {
			return nil, fmt.Errorf("parse mfpscan line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read mfpscan output: %w", err)
	}
	return out, nil
}

// nmapRun is the part of nmap's -oX document the benchmark needs.
type nmapRun struct {
	XMLName xml.Name `xml:"nmaprun"`
	Hosts   []struct {
		Addresses []struct {
			Addr     string `xml:"addr,attr"`
			AddrType string `xml:"addrtype,attr"`
		} `xml:"address"`
		Ports []struct {
			Protocol string `xml:"protocol,attr"`
			PortID   int    `xml:"portid,attr"`
			State    struct {
				State string `xml:"state,attr"`
			} `xml:"state"`
		} `xml:"ports>port"`
	} `xml:"host"`
}

// ParseNmapXML reads an nmap -oX document and returns its open TCP ports.
// A host without an IP address is an error, as is a document that is not
// an nmaprun (e.g. empty because nmap died).
func ParseNmapXML(r io.Reader) (Set, error) {
	b, err := readCapped(r)
	if err != nil {
		return nil, err
	}
	var run nmapRun
	if err := xml.Unmarshal(b, &run); err != nil {
		return nil, fmt.Errorf("parse nmap xml: %w", err)
	}
	out := Set{}
	for i, h := range run.Hosts {
		addr := ""
		for _, a := range h.Addresses {
			if a.AddrType == "ipv4" || a.AddrType == "ipv6" {
				addr = a.Addr
				break
			}
		}
		if addr == "" {
			return nil, fmt.Errorf("parse nmap host %d: no IP address", i+1)
		}
		for _, p := range h.Ports {
			if p.Protocol != "tcp" || p.State.State != "open" {
				continue
			}
			if err := out.add(addr, p.PortID); err != nil {
				return nil, fmt.Errorf("parse nmap host %d: %w", i+1, err)
			}
		}
	}
	return out, nil
}

// FromTruth returns the open ports of the lab's ground truth. A truth
// without any is an error: a benchmark against nothing proves nothing.
func FromTruth(t labtruth.Truth) (Set, error) {
	out := Set{}
	for _, d := range t.Devices {
		for _, p := range d.TCPPorts {
			if err := out.add(d.Address, p); err != nil {
				return nil, fmt.Errorf("read truth: %w", err)
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("read truth: no open ports")
	}
	return out, nil
}
