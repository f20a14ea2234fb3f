package portset

import (
	"io"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mfpscan/mfpscan/bench/internal/labtruth"
	"github.com/mfpscan/mfpscan/internal/testfile"
)

func key(a string, p int) Key { return Key{Addr: netip.MustParseAddr(a), Port: p} }

func TestParseMfpscanJSON(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Key
		wantErr string
	}{
		{name: "empty", in: "", want: nil},
		{
			name: "open tcp kept, udp and closed skipped",
			in: `{"address":"127.88.0.10","port":80,"protocol":"tcp","state":"open","service":"http"}
{"address":"127.88.0.10","port":161,"protocol":"udp","state":"open","service":"snmp"}

{"address":"127.88.0.10","port":22,"protocol":"tcp","state":"closed","service":"ssh"}
{"address":"127.88.0.9","port":443,"protocol":"tcp","state":"open","service":"https"}
`,
			want: []Key{key("127.88.0.9", 443), key("127.88.0.10", 80)},
		},
		{name: "duplicates collapse", in: strings.Repeat(`{"address":"::1","port":21,"protocol":"tcp","state":"open"}`+"\n", 3), want: []Key{key("::1", 21)}},
		{name: "not json", in: "Starting sweep...\n", wantErr: "line 1"},
		{name: "bad address", in: `{"address":"printer","port":80,"protocol":"tcp","state":"open"}`, wantErr: `parse address "printer"`},
		{name: "port out of range", in: `{"address":"127.0.0.1","port":70000,"protocol":"tcp","state":"open"}`, wantErr: "out of range"},
		{name: "endless line", in: strings.Repeat("x", maxLine+10), wantErr: "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMfpscanJSON(strings.NewReader(tt.in))
			checkResult(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestParseNmapXML(t *testing.T) {
	const doc = `<?xml version="1.0"?><nmaprun>
<host><address addr="127.88.0.10" addrtype="ipv4"/><address addr="00:11:22:33:44:55" addrtype="mac"/>
<ports><port protocol="tcp" portid="80"><state state="open"/></port>
<port protocol="tcp" portid="22"><state state="closed"/></port>
<port protocol="tcp" portid="23"><state state="filtered"/></port>
<port protocol="udp" portid="161"><state state="open"/></port></ports></host>
<host><address addr="127.88.0.50" addrtype="ipv4"/></host>
</nmaprun>`
	tests := []struct {
		name    string
		in      string
		want    []Key
		wantErr string
	}{
		{name: "open tcp only", in: doc, want: []Key{key("127.88.0.10", 80)}},
		{name: "no hosts", in: `<nmaprun></nmaprun>`, want: nil},
		{name: "empty file from a dead nmap", in: "", wantErr: "parse nmap xml"},
		{name: "other document", in: `<html></html>`, wantErr: "parse nmap xml"},
		{name: "host without ip", in: `<nmaprun><host><ports/></host></nmaprun>`, wantErr: "no IP address"},
		{name: "bad port", in: `<nmaprun><host><address addr="127.0.0.1" addrtype="ipv4"/><ports><port protocol="tcp" portid="0"><state state="open"/></port></ports></host></nmaprun>`, wantErr: "out of range"},
		{name: "truncated", in: doc[:200], wantErr: "parse nmap xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseNmapXML(strings.NewReader(tt.in))
			checkResult(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestFromTruth(t *testing.T) {
	got, err := FromTruth(labtruth.Truth{Devices: []labtruth.Device{{Address: "127.88.0.10", TCPPorts: []int{21, 9100}}, {Address: "127.88.0.11"}}})
	checkResult(t, got, err, []Key{key("127.88.0.10", 21), key("127.88.0.10", 9100)}, "")
	if _, err := FromTruth(labtruth.Truth{Devices: []labtruth.Device{{Address: "127.88.0.10"}}}); err == nil || !strings.Contains(err.Error(), "no open ports") {
		t.Errorf("truth without ports: err = %v, want no open ports", err)
	}
}

func TestOversizedInputIsRefused(t *testing.T) {
	big := strings.NewReader(strings.Repeat(" ", MaxInput+1))
	if _, err := ParseNmapXML(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("ParseNmapXML: err = %v, want size error", err)
	}
}

func TestDiff(t *testing.T) {
	want := Set{key("127.0.0.1", 80): {}, key("127.0.0.1", 443): {}, key("127.0.0.2", 21): {}}
	got := Set{key("127.0.0.1", 80): {}, key("127.0.0.3", 22): {}}
	missing, extra := Diff(want, got)
	if d := cmp.Diff([]Key{key("127.0.0.1", 443), key("127.0.0.2", 21)}, missing, cmp.Comparer(keyEqual)); d != "" {
		t.Errorf("missing (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]Key{key("127.0.0.3", 22)}, extra, cmp.Comparer(keyEqual)); d != "" {
		t.Errorf("extra (-want +got):\n%s", d)
	}
	if m, e := Diff(want, want); len(m)+len(e) != 0 {
		t.Errorf("Diff(x, x) = %v, %v; want nothing", m, e)
	}
}

// The captured run: 32 lab devices × 8 ports; the engine found exactly them,
// and the nmap sample's two live hosts hold 16 of the truth's ports.
func TestCapturedRun(t *testing.T) {
	tr, err := labtruth.ReadFile(filepath.Join("..", "..", "..", "internal", "labtruth", "testdata", "truth-24.json"))
	if err != nil {
		t.Fatal(err)
	}
	truth, err := FromTruth(tr)
	if err != nil {
		t.Fatal(err)
	}
	if len(truth) != 256 {
		t.Fatalf("truth has %d ports, want 256", len(truth))
	}
	native := mustParse(t, "native-24.jsonl", ParseMfpscanJSON)
	if m, e := Diff(truth, native); len(m)+len(e) != 0 {
		t.Errorf("native capture differs from truth: missing %v, extra %v", m, e)
	}
	nm := mustParse(t, "nmap-sample.xml", ParseNmapXML)
	if len(nm) != 16 {
		t.Errorf("nmap sample has %d open ports, want 16", len(nm))
	}
	if _, extra := Diff(truth, nm); len(extra) != 0 {
		t.Errorf("nmap sample has ports outside the truth: %v", extra)
	}
}

func mustParse(t *testing.T, name string, parse func(r io.Reader) (Set, error)) Set {
	t.Helper()
	return testfile.Parse(t, filepath.Join("testdata", name), parse)
}

func keyEqual(a, b Key) bool { return a == b }

func checkResult(t *testing.T, got Set, err error, want []Key, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("err = %v, want it to contain %q", err, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if d := cmp.Diff(want, got.Sorted(), cmp.Comparer(keyEqual), cmpEmpty()); d != "" {
		t.Errorf("ports (-want +got):\n%s", d)
	}
}

// cmpEmpty treats a nil and an empty slice alike.
func cmpEmpty() cmp.Option {
	return cmp.FilterValues(func(a, b []Key) bool { return len(a) == 0 && len(b) == 0 }, cmp.Ignore())
}
