package hostiletest

import (
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mfpscan/mfpscan/collectors/snmp"
	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/lab"
)

// checkSanitised walks every string of the document as the reports get
// it (the Go values, before encoding/json would mask invalid UTF-8 as
// U+FFFD and escape controls) and fails on invalid UTF-8, a control
// character (line feed and tab aside, which banner text keeps) or a C1
// control.
func checkSanitised(t *testing.T, device string, doc *facts.Device) {
	t.Helper()
	for _, p := range sanitiseProblems(doc) {
		t.Errorf("%s: %s", device, p)
	}
}

func sanitiseProblems(doc *facts.Device) []string {
	var out []string
	walkStrings(reflect.ValueOf(doc), "", func(path, s string) {
		if !utf8.ValidString(s) {
			out = append(out, fmt.Sprintf("%s is not valid UTF-8: %q", path, s))
		}
		if bad, ok := unsafeRune(s); ok {
			out = append(out, fmt.Sprintf("%s holds %U: %q", path, bad, s))
		}
	})
	return out
}

func unsafeRune(s string) (rune, bool) {
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
		case r < 0x20, r >= 0x7f && r <= 0x9f:
			return r, true
		}
	}
	return 0, false
}

// walkStrings calls fn for every string reachable from v through exported
// fields, pointers, slices and maps (keys included).
func walkStrings(v reflect.Value, path string, fn func(path, s string)) {
	switch v.Kind() {
	case reflect.String:
		fn(path, v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkStrings(v.Elem(), path, fn)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				walkStrings(v.Field(i), path+"/"+f.Name, fn)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkStrings(v.Index(i), path+"/"+strconv.Itoa(i), fn)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			walkStrings(iter.Key(), path+"/(key)", fn)
			walkStrings(iter.Value(), path+"/"+fmt.Sprint(iter.Key()), fn)
		}
	}
}

func checkNormalDevices(t *testing.T, byName map[string]hostResult) {
	for _, name := range []string{lab.ProfileFactory, lab.ProfileHardened, lab.ProfileMF} {
		r := byName[name]
		id := r.doc.Identity
		if attr(id.Vendor) != "Canon" {
			t.Errorf("%s: vendor = %q, want Canon", name, attr(id.Vendor))
		}
		// The hardened device shows its serial to no unauthenticated
		// protocol (SNMPv3 only, web behind login).
		if name != lab.ProfileHardened && attr(id.Serial) != r.dev.Serial {
			t.Errorf("%s: serial = %q, want %q", name, attr(id.Serial), r.dev.Serial)
		}
		for _, c := range []string{"snmp", "http", "tls", "ipp"} {
			if st := r.doc.Collectors[c].Status; st != facts.StatusOK {
				t.Errorf("%s: collector %s = %s (%s), want ok", name, c, st, r.doc.Collectors[c].Reason)
			}
		}
	}
	factory := byName[lab.ProfileFactory]
	if s := factory.doc.SNMP; s == nil || s.V1 == nil || !*s.V1 {
		t.Errorf("factory: snmp v1 not recorded as answered: %+v", s)
	}
	if v, ok := tlsVersion(factory.doc, 443+portOffset, "tls1_0"); !ok || !v {
		t.Errorf("factory: tls1_0 on 443 = %v (tested %v), want true", v, ok)
	}
	if attr(factory.doc.Identity.Model) != factory.dev.Model {
		t.Errorf("factory: model %q, want %q", attr(factory.doc.Identity.Model), factory.dev.Model)
	}
	hard := byName[lab.ProfileHardened]
	if s := hard.doc.SNMP; s == nil || s.V3 == nil || !*s.V3 {
		t.Errorf("hardened: snmp v3 not recorded as answered: %+v", s)
	}
	if v, ok := tlsVersion(hard.doc, 443+portOffset, "tls1_3"); !ok || !v {
		t.Errorf("hardened: tls1_3 on 443 = %v (tested %v), want true", v, ok)
	}
	if ui := hard.doc.RemoteUI; ui == nil || ui.LoginMode != facts.LoginModeUserPassword {
		t.Errorf("hardened: remote UI %+v, want login mode %s", ui, facts.LoginModeUserPassword)
	}
}

func tlsVersion(doc *facts.Device, port int, key string) (accepted, tested bool) {
	for _, s := range doc.TLS {
		if s.Port == port {
			accepted, tested = s.Versions[key]
			return accepted, tested
		}
	}
	return false, false
}

// notOK fails unless collector c ended in an error-like status.
func notOK(t *testing.T, r hostResult, c string) {
	t.Helper()
	st, ok := r.doc.Collectors[c]
	if !ok || st.Status == facts.StatusOK {
		t.Errorf("%s: collector %s = %q, want an error or timeout status", r.dev.Name, c, st.Status)
	}
}

func stats(t *testing.T, fleet *lab.Fleet, name string) lab.HostileStats {
	t.Helper()
	s, ok := fleet.HostileStats(name)
	if !ok {
		t.Fatalf("no hostile stats for %s", name)
	}
	t.Logf("%s: %+v", name, s)
	return s
}

func checkHostileOutcomes(t *testing.T, fleet *lab.Fleet, byName map[string]hostResult) {
	tarpit := byName[lab.ProfileHostileTarpit]
	for _, c := range []string{"snmp", "http", "tls", "ipp"} {
		notOK(t, tarpit, c)
	}
	for _, b := range tarpit.doc.Banners {
		if b.Service == "ftp" && b.Status == facts.StatusOK {
			t.Errorf("tarpit: ftp banner %+v, want a timeout", b)
		}
	}

	slow := byName[lab.ProfileHostileSlowloris]
	notOK(t, slow, "http")
	notOK(t, slow, "tls")

	big := byName[lab.ProfileHostileBigBody]
	notOK(t, big, "ipp")
	if s := stats(t, fleet, lab.ProfileHostileBigBody); s.BytesWritten == 0 || s.BytesWritten > maxBigBodyServed {
		t.Errorf("bigbody: device wrote %d bytes, want 1..%d (the collectors must stop reading)", s.BytesWritten, maxBigBodyServed)
	}

	s := stats(t, fleet, lab.ProfileHostileRedirect)
	if s.CanaryAddr == "" {
		t.Errorf("redirect: canary not listening; the off-host check proves nothing")
	}
	if s.OffHostHits != 0 {
		t.Errorf("redirect: %d requests followed a redirect off the target to %s", s.OffHostHits, s.CanaryAddr)
	}
	if s.Requests == 0 || s.Requests > 30 {
		t.Errorf("redirect: %d requests to the looping device, want 1..30", s.Requests)
	}

	garbage := byName[lab.ProfileHostileTLSGarbage]
	for _, ts := range garbage.doc.TLS {
		if ts.Status == facts.StatusOK {
			t.Errorf("tls-garbage: port %d recorded status ok with versions %v: a port that does not speak TLS must not read as \"every version refused\"", ts.Port, ts.Versions)
		}
	}

	sn := byName[lab.ProfileHostileSNMP].doc.SNMP
	if sn == nil {
		t.Errorf("hostile-snmp: no snmp facts")
	} else {
		for oid, v := range sn.Values {
			if len(v) > snmp.MaxValueLen {
				t.Errorf("hostile-snmp: value of %s is %d bytes, over the %d cap", oid, len(v), snmp.MaxValueLen)
			}
		}
		if len(sn.SysDescr) > snmp.MaxValueLen {
			t.Errorf("hostile-snmp: sysDescr is %d bytes, over the %d cap", len(sn.SysDescr), snmp.MaxValueLen)
		}
	}

	if s := stats(t, fleet, lab.ProfileHostileIPP); s.Requests < 5 {
		t.Errorf("hostile-ipp: only %d requests reached the device; not every bogus variant was exercised", s.Requests)
	}
}

func checkPayloadDevice(t *testing.T, r hostResult) {
	const marker = "alert(1)"
	doc := r.doc
	found := map[string]string{}
	for _, h := range doc.HTTP {
		switch h.Port - portOffset {
		case 80:
			found["http title"], found["http server"] = h.Title, h.Server
		case 8000:
			if h.Status == facts.StatusOK {
				t.Errorf("payloads: port 8000 sends an escape byte in its Server header; got status ok, server %q", h.Server)
			}
		}
	}
	if doc.SNMP != nil {
		found["snmp sysDescr"] = doc.SNMP.SysDescr
	}
	for _, ts := range doc.TLS {
		if ts.Certificate != nil {
			found["certificate subject CN"] = ts.Certificate.SubjectCN
		}
	}
	for _, s := range doc.IPP {
		found["ipp make and model"] = s.MakeAndModel
	}
	for _, b := range doc.Banners {
		if b.Service == "ftp" {
			found["ftp banner"] = b.Text
		}
	}
	for _, field := range []string{"http title", "http server", "snmp sysDescr", "certificate subject CN", "ipp make and model", "ftp banner"} {
		v := found[field]
		// The payload must arrive (else this test proves nothing) and
		// arrive without its escape bytes (checked for every string by
		// checkSanitised).
		if !strings.Contains(v, marker) {
			t.Errorf("payloads: %s = %q, want the payload (%q) to reach the facts", field, v, marker)
		}
		if strings.ContainsAny(v, "\x1b\x07") || !utf8.ValidString(v) {
			t.Errorf("payloads: %s = %q keeps an escape or invalid UTF-8", field, v)
		}
	}
}

// peakRSS is the process's high-water resident set, from /proc.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// TestSanitiseCheckCanFail shows the sanitisation check finds raw escapes
// and invalid UTF-8 wherever they hide in a document (nested, map keys).
func TestSanitiseCheckCanFail(t *testing.T) {
	clean := &facts.Device{Address: "127.0.0.1", Banners: []facts.Banner{{Text: "220 line one\nline two"}}}
	if p := sanitiseProblems(clean); len(p) != 0 {
		t.Errorf("clean document flagged: %v", p)
	}
	dirty := []*facts.Device{
		{HTTP: []facts.HTTPService{{Title: "x\x1b[31m"}}},
		{SNMP: &facts.SNMP{Values: map[string]string{"1.3.6": "\xff\xfe"}}},
		{TLS: []facts.TLSService{{Versions: map[string]bool{"bad\x07key": true}}}},
		{TLS: []facts.TLSService{{Certificate: &facts.Certificate{SubjectCN: "\u009b31m"}}}},
	}
	for i, d := range dirty {
		if p := sanitiseProblems(d); len(p) != 1 {
			t.Errorf("dirty document %d: problems %v, want exactly one", i, p)
		}
	}
}
