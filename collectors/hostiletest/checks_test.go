package hostiletest

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mfpscan/mfpscan/collectors/snmp"
	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/lab"
)

// checkSanitised fails on any string of the document, as written to JSON,
// that holds a control character (line feed and tab aside, which banner
// text keeps), a C1 control, or U+FFFD, which is what invalid UTF-8 becomes
// when encoding/json writes it. The JSON text itself always escapes
// controls, so the decoded strings are what must be checked.
func checkSanitised(t *testing.T, device string, doc *facts.Device) {
	t.Helper()
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Errorf("%s: marshal facts: %v", device, err)
		return
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Errorf("%s: unmarshal facts: %v", device, err)
		return
	}
	walkStrings(v, "", func(path, s string) {
		if bad, ok := unsafeRune(s); ok {
			t.Errorf("%s: %s holds %U: %q", device, path, bad, s)
		}
	})
}

func unsafeRune(s string) (rune, bool) {
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
		case r < 0x20, r >= 0x7f && r <= 0x9f, r == utf8.RuneError:
			return r, true
		}
	}
	return 0, false
}

func walkStrings(v any, path string, fn func(path, s string)) {
	switch x := v.(type) {
	case string:
		fn(path, x)
	case []any:
		for i, e := range x {
			walkStrings(e, path+"/"+strconv.Itoa(i), fn)
		}
	case map[string]any:
		for k, e := range x {
			fn(path+"/(key)", k)
			walkStrings(e, path+"/"+k, fn)
		}
	}
}


func checkNormalDevices(t *testing.T, byName map[string]hostResult) {
	for _, name := range []string{lab.ProfileFactory, lab.ProfileHardened, lab.ProfileMF} {
		r := byName[name]
		id := r.doc.Identity
		if attr(id.Vendor) != "Canon" || attr(id.Serial) != r.dev.Serial {
			t.Errorf("%s: vendor/serial = %q/%q, want Canon/%q", name, attr(id.Vendor), attr(id.Serial), r.dev.Serial)
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
