// Package labtruth is the ground truth the benchmarks' lab (bench/cmd/benchlab)
// writes and their comparison tools read: which simulated device runs at
// which address, with which profile and which listening ports. One format
// serves every benchmark, so the lab has one launcher.
package labtruth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"

	"github.com/mfpscan/mfpscan/reports"
)

// MaxInput caps a truth file; 4096 devices take well under a megabyte.
const MaxInput = 16 << 20

// Truth lists the lab's devices in address order.
type Truth struct {
	Subnet   string   `json:"subnet"`
	Profiles []string `json:"profiles"` // the profile cycle the devices were given
	Devices  []Device `json:"devices"`
}

// Device is one simulated device and the ports that accept on it.
type Device struct {
	Address  string `json:"address"`
	Profile  string `json:"profile"`
	TCPPorts []int  `json:"tcp_ports"`
	SNMP     bool   `json:"snmp"`
}

// Write stores t at path atomically, so a script polling for the file never
// reads half of it.
func Write(path string, t Truth) error {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return fmt.Errorf("encode truth: %w", err)
	}
	return reports.WriteFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// ParseTruth reads a truth file. A truth without devices is an error, as is
// an address or port that cannot be real: a benchmark against nothing, or
// against garbage, proves nothing.
func ParseTruth(r io.Reader) (Truth, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxInput+1))
	if err != nil {
		return Truth{}, fmt.Errorf("read truth: %w", err)
	}
	if len(b) > MaxInput {
		return Truth{}, fmt.Errorf("read truth: larger than %d bytes", MaxInput)
	}
	var t Truth
	if err := json.Unmarshal(b, &t); err != nil {
		return Truth{}, fmt.Errorf("parse truth: %w", err)
	}
	if len(t.Devices) == 0 {
		return Truth{}, errors.New("parse truth: no devices")
	}
	for i, d := range t.Devices {
		if _, err := netip.ParseAddr(d.Address); err != nil {
			return Truth{}, fmt.Errorf("parse truth device %d: %w", i+1, err)
		}
		for _, p := range d.TCPPorts {
			if p < 1 || p > 65535 {
				return Truth{}, fmt.Errorf("parse truth device %d: port %d out of range", i+1, p)
			}
		}
	}
	return t, nil
}
