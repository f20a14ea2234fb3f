package factcount

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mfpscan/mfpscan/internal/testfile"
)

func TestCountFacts(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Device
		wantErr string
	}{
		{
			name: "bookkeeping is not counted",
			in: `{"schema_version":"1","scan":{"tool":"mfpscan"},"address":"127.0.0.5","family":"ipv4","ip_class":"loopback",
				"collectors":{"tls":{"status":"ok","duration_ms":5}},"attestations":{"source":"x","notes":"y"}}`,
			want: Device{Address: "127.0.0.5", Categories: map[string]int{}, CollectorMS: map[string]int64{"tls": 5}},
		},
		{
			name: "leaves, false included, provenance and ids skipped",
			in: `{"address":"127.0.0.5",
				"identity":{"is_printer":true,"is_mfp":null,"model":{"value":"iR-ADV C5535","source":"snmp","confidence":"high"},
					"sources":[{"field":"vendor","value":"Canon"}],"device_id":"serial:X"},
				"tls":[{"port":443,"status":"ok","evidence":"raw-hello","versions":{"tls1_0":false,"tls1_2":true},
					"ciphers":{"tls1_2":[{"name":"TLS_RSA_WITH_AES_128_CBC_SHA","id":47,"weak":["cbc_sha1","no_pfs"]}]}}],
				"http":[{"port":80,"title":"  ","login_mode":"unknown","server":"Catwalk"}],
				"firmware":{"advisory_status":"unknown","advisory_data":"v1"}}`,
			want: Device{Address: "127.0.0.5", Categories: map[string]int{"identity": 2, "tls": 5, "http": 1}, CollectorMS: map[string]int64{}},
		},
		{name: "not JSON", in: `{"address":`, wantErr: "decode facts"},
		{name: "no address", in: `{"tls":[]}`, wantErr: "no address"},
		{name: "not an object", in: `[1,2]`, wantErr: "decode facts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CountFacts(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("CountFacts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCountFactsRejectsHugeInput(t *testing.T) {
	big := `{"address":"127.0.0.1","x":"` + strings.Repeat("a", MaxFactsDoc) + `"}`
	if _, err := CountFacts(strings.NewReader(big)); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("err = %v, want a size error", err)
	}
}

func TestCountNmapXML(t *testing.T) {
	const doc = `<?xml version="1.0"?><nmaprun>
<host><address addr="aa:bb:cc:dd:ee:ff" addrtype="mac"/><address addr="127.0.0.7" addrtype="ipv4"/>
<ports>
<port protocol="tcp" portid="443"><state state="open"/>
 <service name="https" product="Catwalk" servicefp="SF-raw" method="probed" conf="10" tunnel="ssl"><cpe>cpe:/a:x</cpe></service>
 <script id="fingerprint-strings" output="raw"><elem key="GetRequest">HTTP/1.0 200 OK</elem></script>
 <script id="http-headers" output="&#xa;  Server: Catwalk&#xa;  Content-Length: 5&#xa;  &#xa;  (Request type: HEAD)&#xa;"/>
 <script id="ssl-enum-ciphers" output="ignored"><table key="TLSv1.2"><table key="ciphers"><table>
  <elem key="strength">A</elem><elem key="name">TLS_RSA_WITH_AES_128_CBC_SHA</elem><elem key="kex_info">rsa 2048</elem>
 </table></table><table key="compressors"><elem>NULL</elem></table><elem key="cipher preference">server</elem></table>
 <elem key="least strength">A</elem></script>
</port>
<port protocol="tcp" portid="21"><state state="closed"/><service name="ftp" method="table" conf="3"/></port>
</ports>
<hostscript><script id="x-host" output="one&#xa;two"/></hostscript>
</host>
<host><address addr="127.0.0.8" addrtype="ipv4"/></host>
</nmaprun>`
	got, err := CountNmapXML(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []Device{
		{Address: "127.0.0.7", Categories: map[string]int{
			"ports":                   1 + 4 + 1 + 1, // open, https/Catwalk/ssl/cpe, closed, ftp
			"script:http-headers":     2,
			"script:ssl-enum-ciphers": 6,
			"script:x-host":           2,
		}},
		{Address: "127.0.0.8", Categories: map[string]int{}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CountNmapXML (-want +got):\n%s", diff)
	}
}

func TestCountNmapXMLErrors(t *testing.T) {
	for name, in := range map[string]string{
		"truncated":       `<nmaprun><host><address addr="127.0.0.1" addrtype="ipv4"/>`,
		"host without IP": `<nmaprun><host><address addr="aa:bb" addrtype="mac"/></host></nmaprun>`,
		"not XML":         `{"json": true}`,
	} {
		if _, err := CountNmapXML(strings.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// The captured outputs of a real 10-device run (testdata/) must keep
// counting what they held then: Canon's factory profile has far more
// mfpscan facts than the plain web server, and nmap reports both hosts.
func TestCapturedOutputs(t *testing.T) {
	factory := countFile(t, "facts-ir-adv-factory.json")
	web := countFile(t, "facts-web-server.json")
	if factory.Address != "127.90.0.10" || web.Address != "127.90.0.14" {
		t.Fatalf("addresses %s, %s", factory.Address, web.Address)
	}
	for _, c := range []string{"tls", "snmp", "http", "remote_ui", "banners", "ipp", "identity", "firmware"} {
		if factory.Categories[c] == 0 {
			t.Errorf("factory device: no %s facts (%v)", c, factory.Categories)
		}
	}
	if factory.Total() <= web.Total() {
		t.Errorf("factory %d facts, web server %d: want factory > web", factory.Total(), web.Total())
	}
	hosts, err := CountNmapXML(bytes.NewReader(testfile.Read(t, filepath.Join("testdata", "nmap-2hosts.xml"))))
	if err != nil {
		t.Fatal(err)
	}
	if len(hosts) != 2 || hosts[0].Address != "127.90.0.10" || hosts[1].Address != "127.90.0.11" {
		t.Fatalf("hosts = %+v", hosts)
	}
	for _, c := range []string{"ports", "script:ssl-enum-ciphers", "script:http-title", "script:http-headers", "script:snmp-sysdescr"} {
		if hosts[0].Categories[c] == 0 {
			t.Errorf("nmap host 0: no %s facts (%v)", c, hosts[0].Categories)
		}
	}
	if _, ok := hosts[0].Categories["script:fingerprint-strings"]; ok {
		t.Error("fingerprint-strings (raw responses) counted as facts")
	}
	if got := Categories(hosts); len(got) < 5 || got[0] != "ports" {
		t.Errorf("Categories = %v", got)
	}
}

func countFile(t *testing.T, name string) Device {
	t.Helper()
	return testfile.Parse(t, filepath.Join("testdata", name), CountFacts)
}

func FuzzCountFacts(f *testing.F) {
	for _, name := range []string{"facts-ir-adv-factory.json", "facts-web-server.json"} {
		f.Add(testfile.Read(f, filepath.Join("testdata", name)))
	}
	f.Add([]byte(`{"address":"x","a":[[[[[]]]]]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := CountFacts(bytes.NewReader(b))
		if err == nil && (d.Address == "" || d.Total() < 0) {
			t.Fatalf("accepted %q as %+v", b, d)
		}
	})
}

func FuzzCountNmapXML(f *testing.F) {
	f.Add(testfile.Read(f, filepath.Join("testdata", "nmap-2hosts.xml")))
	f.Add([]byte(`<nmaprun><host><address addr="1" addrtype="ipv4"/><ports><port><script id="a"><table><table><elem>x</elem></table></table></script></port></ports></host></nmaprun>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ds, err := CountNmapXML(bytes.NewReader(b))
		if err != nil {
			return
		}
		for _, d := range ds {
			if d.Address == "" || d.Total() < 0 {
				t.Fatalf("accepted %q as %+v", b, d)
			}
		}
	})
}
