package labtruth

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mfpscan/mfpscan/internal/testfile"
)

func TestWriteThenParse(t *testing.T) {
	want := Truth{Subnet: "127.88.0.0/24", Profiles: []string{"a", "b"}, Devices: []Device{
		{Address: "127.88.0.10", Profile: "a", TCPPorts: []int{80, 443}, SNMP: true},
		{Address: "127.88.0.11", Profile: "b", TCPPorts: []int{21}},
	}}
	path := filepath.Join(t.TempDir(), "truth.json")
	if err := Write(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("read back (-want +got):\n%s", d)
	}
}

func TestParseTruthRefuses(t *testing.T) {
	for in, wantErr := range map[string]string{
		`{"devices":[]}`:                      "no devices",
		`[`:                                   "parse truth",
		`{"devices":[{"address":"printer"}]}`: "device 1",
		`{"devices":[{"address":"127.0.0.1","tcp_ports":[0]}]}`:     "out of range",
		`{"devices":[{"address":"127.0.0.1","tcp_ports":[65536]}]}`: "out of range",
		strings.Repeat(" ", MaxInput+1):                             "larger than",
	} {
		if _, err := ParseTruth(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("ParseTruth(%.40q): err = %v, want %q", in, err, wantErr)
		}
	}
}

// testdata/truth-24.json is what `benchlab -subnet 127.88.0.0/24 -devices 32
// -profiles ir-adv-factory -truth ...` wrote inside a private network
// namespace (real ports), as bench/discovery/run.sh starts it: 32 devices
// with 8 listening ports each.
func TestCapturedTruth(t *testing.T) {
	tr, err := ReadFile(filepath.Join("testdata", "truth-24.json"))
	if err != nil {
		t.Fatal(err)
	}
	ports := 0
	for _, d := range tr.Devices {
		ports += len(d.TCPPorts)
	}
	if len(tr.Devices) != 32 || ports != 256 || tr.Devices[0].Address != "127.88.0.10" {
		t.Errorf("truth has %d devices from %s, %d ports; want 32 from 127.88.0.10, 256", len(tr.Devices), tr.Devices[0].Address, ports)
	}
}

// ParseTruth must return a truth with devices or an error, never panic,
// and never accept a port outside 1-65535.
func FuzzParseTruth(f *testing.F) {
	f.Add(testfile.Read(f, filepath.Join("testdata", "truth-24.json")))
	f.Fuzz(func(t *testing.T, b []byte) {
		tr, err := ParseTruth(strings.NewReader(string(b)))
		if err != nil {
			return
		}
		if len(tr.Devices) == 0 {
			t.Fatal("empty truth accepted")
		}
		for _, d := range tr.Devices {
			for _, p := range d.TCPPorts {
				if p < 1 || p > 65535 {
					t.Fatalf("port %d accepted", p)
				}
			}
		}
	})
}
