// Package labtruth is the ground truth the benchmarks' lab (bench/cmd/benchlab)
// writes and their comparison tools read: which simulated device runs at
// which address, with which profile and which listening ports. One format
// serves every benchmark, so the lab has one launcher.
package labtruth

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"

	"github.com/mfpscan/mfpscan/bench/internal/jsonfile"
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
func Write(path string, t Truth) error { return jsonfile.Write(path, t) }

// ReadFile is ParseTruth of the file at path.
func ReadFile(path string) (Truth, error) {
	f, err := os.Open(path)
	if err != nil {
		return Truth{}, fmt.Errorf("open truth: %w", err)
	}
	defer f.Close()
	return ParseTruth(f)
}

// ParseTruth reads a truth file. A truth without devices is an error, as is
// an address or port that cannot be real: a benchmark against nothing, or
// against garbage, proves nothing.
func ParseTruth(r io.Reader) (Truth, error) {
	var t Truth
	if err := jsonfile.Decode(r, MaxInput, &t); err != nil {
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
