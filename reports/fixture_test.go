package reports

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/policies"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/reports")

const goldenDir = "../testdata/reports"

// Hostile device strings: none may execute in HTML or reach a terminal raw.
const (
	xssTitle   = `<script>alert(1)</script>`
	xssAttr    = `" onerror="alert(2)`
	ansiString = "\x1b[31mRED\x1b[0m\x1b]0;pwned\x07"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func canonID(model, serial string) facts.Identity {
	return facts.Identity{
		IsPrinter: facts.Bool(true), IsMFP: facts.Bool(true),
		Vendor: &facts.Attribute{Value: "Canon", Source: "snmp:1.3.6.1.2.1.1.2.0", Confidence: facts.ConfidenceHigh},
		Model:  &facts.Attribute{Value: model, Source: "snmp:hrDeviceDescr", Confidence: facts.ConfidenceHigh},
		Serial: &facts.Attribute{Value: serial, Source: "snmp:prtGeneralSerialNumber", Confidence: facts.ConfidenceHigh},
		Sources: []facts.IdentityHint{
			{Field: "model", Value: model, Source: "http:title", Confidence: facts.ConfidenceMedium},
		},
		DeviceID: "serial:" + serial,
	}
}

func fixtureDevices() []*facts.Device {
	scan := &facts.Scan{Tool: "mfpscan", Version: "1.2.3", StartedAt: t0, Targets: []string{"127.77.0.0/24", "::1"}, Engine: "native"}
	d1 := &facts.Device{
		SchemaVersion: facts.SchemaVersion, Scan: scan, Address: "127.77.0.10", Family: "ipv4", IPClass: "loopback",
		Identity: canonID("iR-ADV C5535", "QWE12345"),
		Ports:    []facts.Port{{Port: 80, Protocol: "tcp", State: "open", Service: "http"}, {Port: 443, Protocol: "tcp", State: "open", Service: "https"}, {Port: 161, Protocol: "udp", State: "open", Service: "snmp"}},
		TLS: []facts.TLSService{{Port: 443, Status: facts.StatusOK,
			Versions:    map[string]bool{"tls1_0": true, "tls1_1": true, "tls1_2": true, "tls1_3": false},
			Certificate: &facts.Certificate{Subject: "CN=Canon iR-ADV C5535", Issuer: "CN=Canon iR-ADV C5535", SelfSigned: true, KeyType: "RSA", KeyBits: 2048, DefaultCanonSubject: true}}},
		SNMP:       &facts.SNMP{Status: facts.StatusOK, Port: 161, V1: facts.Bool(true), V2c: facts.Bool(true), V3: facts.Bool(false), CommunitiesAccepted: []string{"public"}, CommunitiesTried: 4, SysDescr: "Canon iR-ADV C5535 /P"},
		RemoteUI:   &facts.RemoteUI{Present: true, Ports: []int{80, 443}, LoginMode: facts.LoginModeNone},
		Firmware:   &facts.Firmware{Version: "1.02", AdvisoryStatus: "vulnerable", Advisories: []facts.Advisory{{ID: "CP2023-001", CVEs: []string{"CVE-2022-43608"}, FixedIn: "1.05", URL: "https://psirt.canon/advisory-information/cp2023-001/"}}},
		Collectors: map[string]facts.CollectorStatus{"snmp": {Status: facts.StatusOK}, "tls": {Status: facts.StatusOK}, "http": {Status: facts.StatusOK}},
	}
	d2 := &facts.Device{
		SchemaVersion: facts.SchemaVersion, Scan: scan, Address: "127.77.0.11", Family: "ipv4", IPClass: "loopback",
		Identity: canonID("MF743C "+xssTitle, "SER"+ansiString),
		Ports:    []facts.Port{{Port: 80, Protocol: "tcp", State: "open", Service: "http"}},
		HTTP:     []facts.HTTPService{{Port: 80, Status: facts.StatusOK, Title: xssTitle, Server: "CANON HTTP Server" + xssAttr}},
		TLS: []facts.TLSService{{Port: 443, Status: facts.StatusOK, Versions: map[string]bool{"tls1_2": true},
			Certificate: &facts.Certificate{Subject: "CN=<img src=x onerror=alert(3)>" + ansiString, Issuer: xssAttr}}},
		SNMP:       &facts.SNMP{Status: facts.StatusOK, Port: 161, V1: facts.Bool(true), CommunitiesAccepted: []string{"public"}, SysDescr: xssAttr + " " + xssTitle + ansiString},
		RemoteUI:   &facts.RemoteUI{Present: true, Ports: []int{80}, LoginMode: facts.LoginModeGeneralNoPassword},
		Collectors: map[string]facts.CollectorStatus{"snmp": {Status: facts.StatusOK}},
	}
	d3 := &facts.Device{
		SchemaVersion: facts.SchemaVersion, Scan: scan, Address: "127.77.0.12", Family: "ipv4", IPClass: "loopback",
		Identity: facts.Identity{IsPrinter: facts.Bool(true), IsMFP: facts.Bool(false),
			Vendor:   &facts.Attribute{Value: "HP", Source: "http:server", Confidence: facts.ConfidenceLow},
			DeviceID: "mac:00:11:22:33:44:55"},
		Ports:      []facts.Port{{Port: 9100, Protocol: "tcp", State: "open", Service: "jetdirect"}},
		Collectors: map[string]facts.CollectorStatus{"snmp": {Status: facts.StatusTimeout, Reason: "no answer"}},
	}
	d4 := &facts.Device{
		SchemaVersion: facts.SchemaVersion, Scan: scan, Address: "::1", Family: "ipv6", IPClass: "loopback",
		Identity:   facts.Identity{DeviceID: "address:::1"},
		Ports:      []facts.Port{},
		Collectors: map[string]facts.CollectorStatus{"discovery": {Status: facts.StatusOK}},
	}
	return []*facts.Device{d1, d2, d3, d4}
}

func fixtureRules() []policies.Rule {
	return []policies.Rule{
		{ID: "MFP-TLS-001", Title: "Legacy TLS versions are offered", Description: "TLS 1.0 and 1.1 are accepted on a TLS port.", Severity: "high", GuidePoint: 4, GuideSection: "Securing the Communication Using Security Protocols", STIG: []string{"MFD02.003"}, NIST: []string{"SC-8", "SC-13"}, Remediation: "Settings/Registration > Network Settings > TLS Settings: set the minimum version to TLS 1.2.", RelatedResources: []string{"https://example.com/canon-tls"}, Vendors: []string{"canon"}, Facts: []string{"/tls"}, Package: "mfpscan.rules.tls.legacy_versions", Origin: "builtin", Enabled: true},
		{ID: "MFP-SNMP-001", Title: "SNMP accepts a well-known community", Description: "SNMPv1/v2c answers to a default community name.", Severity: "critical", GuidePoint: 5, GuideSection: "Managing MFP Information with Passwords", NIST: []string{"IA-5"}, Remediation: "Disable SNMPv1 or change the community names.", Vendors: []string{"any"}, Package: "mfpscan.rules.snmp.community", Origin: "builtin", Enabled: true},
		{ID: "MFP-RUI-001", Title: "Remote UI opens without login", Description: "The Remote UI portal is reachable without authentication.", Severity: "high", GuidePoint: 6, GuideSection: "Limiting Usage of the Remote UI", Remediation: "Enable System Manager or user authentication for the Remote UI.", Vendors: []string{"canon"}, Package: "mfpscan.rules.rui.login", Origin: "builtin", Enabled: true},
		{ID: "MFP-FW-001", Title: "Firmware has known advisories", Description: "The running firmware is affected by a Canon PSIRT advisory.", Severity: "medium", GuidePoint: 7, GuideSection: "Updating the Firmware", Remediation: "Update the firmware.", RelatedResources: []string{"https://psirt.canon/"}, Vendors: []string{"canon"}, Package: "mfpscan.rules.firmware.advisories", Origin: "builtin", Enabled: true},
		{ID: "MFP-LOG-001", Title: "Audit log forwarding is not attested", Description: "No attestation says the audit log is forwarded to a SIEM.", Severity: "info", GuidePoint: 9, GuideSection: "Using the Audit Log", Remediation: "Forward the audit log and attest it.", Vendors: []string{"canon"}, Package: "mfpscan.rules.log.forwarding", Origin: "builtin", Enabled: true},
		{ID: "MFP-NET-001", Title: "Device has a public IP address", Description: "The device is reachable on a public address.", Severity: "low", GuidePoint: 2, GuideSection: "Using Private IP Addresses", Remediation: "Use a private address.", Vendors: []string{"any"}, Package: "mfpscan.rules.net.public", Origin: "builtin", Enabled: true},
	}
}

func fixtureResults() []policies.Result {
	fail := func(rule, addr, id, sev string, f ...policies.Finding) policies.Result {
		return policies.Result{RuleID: rule, Address: addr, DeviceID: id, Status: policies.StatusFail, Severity: sev, Findings: f}
	}
	other := func(rule, addr, id, sev string, st policies.Status, reason string) policies.Result {
		r := policies.Result{RuleID: rule, Address: addr, DeviceID: id, Status: st, Severity: sev}
		if reason != "" {
			r.Reasons = []string{reason}
		}
		return r
	}
	id1, id2, id3, id4 := "serial:QWE12345", "serial:SER"+ansiString, "mac:00:11:22:33:44:55", "address:::1"
	return []policies.Result{
		fail("MFP-TLS-001", "127.77.0.10", id1, "high",
			policies.Finding{Message: "TLS 1.0 is accepted on port 443", Fact: "/tls/0/versions/tls1_0", Evidence: map[string]any{"port": 443, "version": "tls1_0"}},
			policies.Finding{Message: "TLS 1.1 is accepted on port 443", Fact: "/tls/0/versions/tls1_1", Evidence: map[string]any{"port": 443, "version": "tls1_1"}}),
		fail("MFP-SNMP-001", "127.77.0.10", id1, "critical", policies.Finding{Message: "community public accepted", Fact: "/snmp/communities_accepted/0"}),
		fail("MFP-RUI-001", "127.77.0.10", id1, "high", policies.Finding{Message: "Remote UI login mode is none", Fact: "/remote_ui/login_mode"}),
		{RuleID: "MFP-FW-001", Address: "127.77.0.10", DeviceID: id1, Status: policies.StatusWaived, Severity: "medium",
			Findings: []policies.Finding{{Message: "firmware 1.02 affected by CP2023-001", Fact: "/firmware/advisories/0"}},
			Waiver:   &policies.Waiver{Rule: "MFP-FW-001", Selector: policies.Selector{Serial: "QWE12345"}, Reason: "vendor update scheduled for Q2", Expires: t0.AddDate(0, 3, 0)}},
		other("MFP-LOG-001", "127.77.0.10", id1, "info", policies.StatusReview, "attestations not supplied"),
		other("MFP-NET-001", "127.77.0.10", id1, "low", policies.StatusPass, ""),

		fail("MFP-SNMP-001", "127.77.0.11", id2, "critical", policies.Finding{Message: "community public accepted by " + xssTitle, Fact: "/snmp/communities_accepted/0", Evidence: map[string]any{"sys_descr": xssAttr + ansiString}}),
		fail("MFP-RUI-001", "127.77.0.11", id2, "high", policies.Finding{Message: "Remote UI general user mode without password", Fact: "/remote_ui/login_mode"}),
		other("MFP-TLS-001", "127.77.0.11", id2, "high", policies.StatusPass, ""),
		other("MFP-FW-001", "127.77.0.11", id2, "medium", policies.StatusReview, "firmware version not collected"),
		other("MFP-NET-001", "127.77.0.11", id2, "low", policies.StatusPass, ""),

		other("MFP-TLS-001", "127.77.0.12", id3, "high", policies.StatusNotApplicable, "not a Canon device"),
		other("MFP-SNMP-001", "127.77.0.12", id3, "critical", policies.StatusReview, "snmp timed out"),
		other("MFP-NET-001", "127.77.0.12", id3, "low", policies.StatusPass, ""),

		other("MFP-NET-001", "::1", id4, "low", policies.StatusPass, ""),
		other("MFP-SNMP-001", "::1", id4, "critical", policies.StatusReview, "snmp not collected"),
	}
}

func fixtureRun() *Run {
	return &Run{
		Scan:    facts.Scan{Tool: "mfpscan", Version: "1.2.3", StartedAt: t0, FinishedAt: t0.Add(42 * time.Second), Targets: []string{"127.77.0.0/24", "::1"}, Engine: "native"},
		Devices: fixtureDevices(),
		Rules:   fixtureRules(),
		Results: fixtureResults(),
		ExpiredWaivers: []policies.Waiver{{Rule: "MFP-TLS-001", Selector: policies.Selector{CIDR: "127.77.0.0/24"}, Reason: "old exception",
			Expires: t0.AddDate(0, -1, 0), Expired: true}},
		Site:     "hq-floor2",
		ExitCode: 1,
	}
}

// golden compares got with testdata/reports/name, rewriting it with -update.
// writeGolden writes run in w's format, compares the bytes with the golden
// file of the format's file name and returns them.
func writeGolden(t *testing.T, w Writer, run *Run) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := w.Write(&buf, run); err != nil {
		t.Fatal(err)
	}
	golden(t, w.Filename(), buf.Bytes())
	return buf.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(goldenDir, name)
	if *update {
		if err := os.WriteFile(path, goldenAssets(t, got, false), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	want = goldenAssets(t, want, true)
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

// goldenAssets swaps the embedded stylesheet and script that report.html
// inlines whole for a marker naming each (expand false), or the markers for
// the files' bytes (expand true). The golden file thus keeps only what the
// report renders, not a second copy of the assets, while the comparison is
// still of every byte of the page.
func goldenAssets(t *testing.T, b []byte, expand bool) []byte {
	t.Helper()
	for _, name := range []string{"html/style.css", "html/app.js"} {
		asset, err := htmlAssets.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		marker := []byte("@@golden: reports/" + name + "@@")
		if expand {
			b = bytes.Replace(b, marker, asset, 1)
		} else {
			b = bytes.Replace(b, asset, marker, 1)
		}
	}
	return b
}
