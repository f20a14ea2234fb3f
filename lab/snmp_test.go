package lab

import (
	"bytes"
	"context"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"github.com/mfpscan/mfpscan/internal/testpeer"
)

// netsnmp runs a net-snmp command-line tool against the lab. The tools are
// part of the test environment (.ci/run installs them), so a missing binary
// fails the test instead of skipping it.
func netsnmp(t *testing.T, tool string, args ...string) (string, error) {
	t.Helper()
	path := testpeer.Path(t, tool, "Debian package snmp")
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	// -On: numeric OIDs, so no MIB files are needed; -t 1 -r 0 keeps
	// "no answer" cases to one second.
	full := append([]string{"-On", "-t", "1", "-r", "0"}, args...)
	cmd := exec.CommandContext(ctx, path, full...)
	cmd.Env = append(cmd.Environ(), "MIBS=", "MIBDIRS=/nonexistent")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func TestSNMPWithNetSNMP(t *testing.T) {
	f, cfg := startFleet(t, ProfileFactory, ProfileHardened, ProfileMF, ProfileHP)
	agent := func(profile string) string {
		return hostPort(device(t, f, profile), cfg, 161)
	}
	fac := agent(ProfileFactory)
	tests := []struct {
		name   string
		tool   string
		args   []string
		wantOK bool
		want   []string // substrings of the output, in any order
	}{
		{"factory v1 public sysDescr", "snmpget", []string{"-v1", "-c", "public", fac, "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0"}, true,
			[]string{`.1.3.6.1.2.1.1.1.0 = STRING: "Canon iR-ADV C5535 III /P"`, ".1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.1602.4.7"}},
		{"factory v2c private Canon objects", "snmpget", []string{"-v2c", "-c", "private", fac, oidCanonModel, oidCanonFW, oidCanonSerial, oidPrtSerial1}, true,
			[]string{`"iR-ADV C5535 III"`, `"47.07"`, oidCanonSerial + ` = STRING: "XKM01234"`, oidPrtSerial1 + ` = STRING: "XKM01234"`}},
		{"factory v2c missing object", "snmpget", []string{"-v2c", "-c", "public", fac, "1.3.6.1.2.1.1.9.0"}, true,
			[]string{"No Such Object"}},
		{"factory wrong community is silent", "snmpget", []string{"-v2c", "-c", "canon_admin", fac, "1.3.6.1.2.1.1.1.0"}, false,
			[]string{"Timeout"}},
		{"factory walk ipAddrTable", "snmpwalk", []string{"-v2c", "-c", "public", fac, "1.3.6.1.2.1.4.20"}, true,
			[]string{".1.3.6.1.2.1.4.20.1.1." + device(t, f, ProfileFactory).Addr.String() + " = IpAddress: " + device(t, f, ProfileFactory).Addr.String()}},
		{"factory v1 walk Canon subtree", "snmpwalk", []string{"-v1", "-c", "public", fac, "1.3.6.1.4.1.1602"}, true,
			[]string{`"iR-ADV C5535 III"`, `"47.07"`, `"XKM01234"`}},
		{"factory v1 walk whole MIB ends", "snmpwalk", []string{"-v1", "-c", "public", fac, ".1"}, true,
			[]string{"Canon iR-ADV C5535 III /P", "1.3.6.1.4.1.2699.1.2.1.2.1.1.2.1"}},
		{"factory bulkwalk", "snmpbulkwalk", []string{"-v2c", "-c", "public", fac, "1.3.6.1.2.1.1"}, true,
			[]string{"Canon iR-ADV C5535 III /P", "iR-ADV-C5535-III", "Timeticks"}},
		{"factory SET refused", "snmpset", []string{"-v2c", "-c", "private", fac, "1.3.6.1.2.1.1.5.0", "s", "pwned"}, false,
			[]string{"noAccess"}},
		{"factory v1 SET refused", "snmpset", []string{"-v1", "-c", "private", fac, "1.3.6.1.2.1.1.5.0", "s", "pwned"}, false,
			[]string{"readOnly"}},
		{"hardened v1 silent", "snmpget", []string{"-v1", "-c", "public", agent(ProfileHardened), "1.3.6.1.2.1.1.1.0"}, false,
			[]string{"Timeout"}},
		{"hardened v2c silent", "snmpget", []string{"-v2c", "-c", "public", agent(ProfileHardened), "1.3.6.1.2.1.1.1.0"}, false,
			[]string{"Timeout"}},
		{"hardened v3 discovery", "snmpget", []string{"-v3", "-l", "noAuthNoPriv", "-u", "probe", "-d", agent(ProfileHardened), "1.3.6.1.2.1.1.1.0"}, false,
			[]string{"Unknown user name"}},
		{"mf v1 public", "snmpget", []string{"-v1", "-c", "public", agent(ProfileMF), "1.3.6.1.2.1.1.1.0", oidCanonModel, oidCanonFW}, true,
			[]string{`"Canon MF750C Series /P"`, `"MF750C Series"`, `"03.07"`}},
		{"mf v2c silent", "snmpget", []string{"-v2c", "-c", "public", agent(ProfileMF), "1.3.6.1.2.1.1.1.0"}, false,
			[]string{"Timeout"}},
		{"mf private rejected", "snmpget", []string{"-v1", "-c", "private", agent(ProfileMF), "1.3.6.1.2.1.1.1.0"}, false,
			[]string{"Timeout"}},
		{"hp v2c public", "snmpget", []string{"-v2c", "-c", "public", agent(ProfileHP), "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", oidPrtSerial1, oidCanonModel}, true,
			[]string{"HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153", "OID: .1.3.6.1.4.1.11.2.3.9.1", `"PHBLB12345"`, oidCanonModel + " = No Such Object"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := netsnmp(t, tt.tool, tt.args...)
			if (err == nil) != tt.wantOK {
				t.Errorf("exit error %v, want success=%v; output:\n%s", err, tt.wantOK, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}

	t.Run("SET changed nothing", func(t *testing.T) {
		out, err := netsnmp(t, "snmpget", "-v2c", "-c", "public", fac, "1.3.6.1.2.1.1.5.0")
		if err != nil || !strings.Contains(out, `"iR-ADV-C5535-III"`) {
			t.Errorf("sysName after SET attempts: %v\n%s", err, out)
		}
	})
}

// TestSNMPv3EngineID reads the engine ID from net-snmp's packet dump: it must
// carry AGENT++'s enterprise number 4976 as Canon agents do.
func TestSNMPv3EngineID(t *testing.T) {
	f, cfg := startFleet(t, ProfileHardened)
	out, _ := netsnmp(t, "snmpget", "-v3", "-l", "noAuthNoPriv", "-u", "probe", "-d", hostPort(f.Devices()[0], cfg, 161), "1.3.6.1.2.1.1.1.0")
	// Dump lines look like "0016: 80 00 13 70  05 00 ..."; join the hex.
	var hex strings.Builder
	line := regexp.MustCompile(`^[0-9A-Fa-f]{4}: ((?:[0-9A-Fa-f]{2} {1,2})+)`)
	for _, l := range strings.Split(out, "\n") {
		if m := line.FindStringSubmatch(l); m != nil {
			hex.WriteString(strings.ReplaceAll(m[1], " ", ""))
		}
	}
	if !strings.Contains(strings.ToUpper(hex.String()), "800013700500") {
		t.Errorf("no AGENT++ engine ID in the received packets:\n%s", out)
	}
	if !strings.Contains(out, "Received") {
		t.Errorf("no packet received:\n%s", out)
	}
}

// encodeRequest builds a request datagram the way a manager would.
func encodeRequest(t testing.TB, version gosnmp.SnmpVersion, community string, pdu gosnmp.PDUType, oids ...string) []byte {
	t.Helper()
	vars := make([]gosnmp.SnmpPDU, len(oids))
	for i, o := range oids {
		vars[i] = gosnmp.SnmpPDU{Name: o, Type: gosnmp.Null}
	}
	pkt := &gosnmp.SnmpPacket{Version: version, Community: community, PDUType: pdu, RequestID: 42, Variables: vars, MaxRepetitions: 3}
	b, err := pkt.MarshalMsg()
	if err != nil {
		t.Fatalf("marshal request: %v", err)
	}
	return b
}

func testAgent(t testing.TB, profile string) *snmpAgent {
	t.Helper()
	plan, err := planFleet(Config{Profiles: []string{profile}})
	if err != nil {
		t.Fatal(err)
	}
	// The first reading is the agent's start; every later one is 90 s on.
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	calls := 0
	now := func() time.Time {
		calls++
		if calls == 1 {
			return start
		}
		return start.Add(90 * time.Second)
	}
	return newSNMPAgent(plan[0], now)
}

func TestSNMPRespond(t *testing.T) {
	a := testAgent(t, ProfileFactory)
	decode := func(b []byte) *gosnmp.SnmpPacket {
		t.Helper()
		if b == nil {
			return nil
		}
		p, err := (&gosnmp.GoSNMP{}).SnmpDecodePacket(b)
		if err != nil {
			t.Fatalf("decode reply: %v", err)
		}
		return p
	}
	tests := []struct {
		name      string
		req       []byte
		silent    bool
		wantErr   gosnmp.SNMPError
		wantNames []string
		wantTypes []gosnmp.Asn1BER
	}{
		{"get", encodeRequest(t, gosnmp.Version1, "public", gosnmp.GetRequest, ".1.3.6.1.2.1.1.3.0"), false, gosnmp.NoError,
			[]string{".1.3.6.1.2.1.1.3.0"}, []gosnmp.Asn1BER{gosnmp.TimeTicks}},
		{"v1 get missing", encodeRequest(t, gosnmp.Version1, "public", gosnmp.GetRequest, ".1.3.6.1.2.1.1.1.0", ".1.3.6.1.9"), false, gosnmp.NoSuchName,
			[]string{".1.3.6.1.2.1.1.1.0", ".1.3.6.1.9"}, nil},
		{"getnext from root", encodeRequest(t, gosnmp.Version2c, "public", gosnmp.GetNextRequest, ".1.3"), false, gosnmp.NoError,
			[]string{"." + oidSysDescr}, []gosnmp.Asn1BER{gosnmp.OctetString}},
		{"getnext past end", encodeRequest(t, gosnmp.Version2c, "public", gosnmp.GetNextRequest, ".2.0"), false, gosnmp.NoError,
			[]string{".2.0"}, []gosnmp.Asn1BER{gosnmp.EndOfMibView}},
		{"bulk", encodeRequest(t, gosnmp.Version2c, "public", gosnmp.GetBulkRequest, ".1.3.6.1.2.1.1"), false, gosnmp.NoError,
			[]string{"." + oidSysDescr, "." + oidSysObjectID, "." + oidSysUpTime}, nil},
		{"v1 bulk ignored", encodeRequest(t, gosnmp.Version1, "public", gosnmp.GetBulkRequest, ".1.3"), true, 0, nil, nil},
		{"wrong community", encodeRequest(t, gosnmp.Version2c, "secret", gosnmp.GetRequest, "."+oidSysDescr), true, 0, nil, nil},
		{"garbage", []byte{0x30, 0x82, 0xff, 0xff, 0x02}, true, 0, nil, nil},
		{"empty", nil, true, 0, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := decode(a.respond(tt.req))
			if !answered(t, tt.silent, rep != nil, rep) {
				return
			}
			if rep.PDUType != gosnmp.GetResponse || rep.RequestID != 42 || rep.Error != tt.wantErr {
				t.Errorf("reply type %v id %d error %v", rep.PDUType, rep.RequestID, rep.Error)
			}
			var names []string
			for i, v := range rep.Variables {
				names = append(names, v.Name)
				if i < len(tt.wantTypes) && v.Type != tt.wantTypes[i] {
					t.Errorf("varbind %s type %v, want %v", v.Name, v.Type, tt.wantTypes[i])
				}
			}
			if strings.Join(names, " ") != strings.Join(tt.wantNames, " ") {
				t.Errorf("names %v, want %v", names, tt.wantNames)
			}
		})
	}
	// sysUpTime follows the injected clock: 90 s = 9000 ticks.
	rep := decode(a.respond(encodeRequest(t, gosnmp.Version2c, "public", gosnmp.GetRequest, "."+oidSysUpTime)))
	if got := rep.Variables[0].Value; got != uint32(9000) {
		t.Errorf("sysUpTime %v, want 9000", got)
	}
}
