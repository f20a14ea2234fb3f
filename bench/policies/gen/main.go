// Command gen writes N synthetic facts documents as one JSON array, for the
// policy benchmark (bench/policies/run.sh). Documents mutate the lab's
// device shapes (Canon factory, hardened and MF, HP, a plain web server)
// with varied ports, TLS, SNMP, Remote UI, firmware and collector outcomes,
// deterministically from -seed. Addresses come from the benchmarking range
// 198.18.0.0/15 (RFC 2544); nothing is ever contacted.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"

	"github.com/mfpscan/mfpscan/facts"
)

func main() {
	n := flag.Int("n", 10000, "number of documents")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("o", "-", "output file (- for stdout)")
	flag.Parse()
	if err := run(*n, *seed, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(n int, seed uint64, out string) error {
	if n < 1 || n > 1<<17 {
		return fmt.Errorf("check -n: %d is not in 1..%d", n, 1<<17)
	}
	var w io.Writer = os.Stdout
	if out != "-" {
		f, err := os.Create(out)
		if err != nil {
			return fmt.Errorf("create output: %w", err)
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	if err := write(bw, n, seed); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

func write(w io.Writer, n int, seed uint64) error {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	started := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	if _, err := io.WriteString(w, "[\n"); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	for i := range n {
		d := device(r, i, started)
		raw, err := json.Marshal(d)
		if err != nil {
			return fmt.Errorf("encode document %d: %w", i, err)
		}
		if i > 0 {
			if _, err := io.WriteString(w, ",\n"); err != nil {
				return fmt.Errorf("write output: %w", err)
			}
		}
		if _, err := w.Write(raw); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
	}
	if _, err := io.WriteString(w, "\n]\n"); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

// shape is one of the lab's device profiles.
type shape int

const (
	canonFactory shape = iota
	canonHardened
	canonMF
	hpPrinter
	webServer
)

// device builds document i: the shape follows a fleet mix (mostly Canon),
// then every section is mutated independently.
func device(r *rand.Rand, i int, started time.Time) *facts.Device {
	addr := fmt.Sprintf("198.%d.%d.%d", 18+i/65536, (i/256)%256, i%256)
	s := pickShape(r)
	d := &facts.Device{
		SchemaVersion: facts.SchemaVersion,
		Scan:          &facts.Scan{Tool: "mfpscan", Version: "bench", StartedAt: started, Targets: []string{"198.18.0.0/15"}, Engine: "native"},
		Address:       addr,
		Family:        "ipv4",
		IPClass:       pick(r, facts.IPClassPrivate, facts.IPClassPrivate, facts.IPClassPrivate, facts.IPClassPublic),
		Collectors:    map[string]facts.CollectorStatus{"discovery": {Status: facts.StatusOK}},
		Ports:         []facts.Port{},
	}
	identity(r, d, s)
	ports(r, d, s)
	web(r, d, s)
	tls(r, d, s)
	snmp(r, d, s)
	if s != webServer {
		ipp(r, d, s)
		firmware(r, d, s)
		credentials(r, d, s)
		attestations(r, d)
	}
	return d
}

func pickShape(r *rand.Rand) shape {
	switch x := r.IntN(100); {
	case x < 35:
		return canonFactory
	case x < 60:
		return canonHardened
	case x < 80:
		return canonMF
	case x < 92:
		return hpPrinter
	default:
		return webServer
	}
}

func pick[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

func attr(v, src string) *facts.Attribute {
	return &facts.Attribute{Value: v, Source: src, Confidence: facts.ConfidenceHigh}
}

func identity(r *rand.Rand, d *facts.Device, s shape) {
	serial := fmt.Sprintf("%c%c%c%05d", 'A'+r.IntN(26), 'A'+r.IntN(26), 'A'+r.IntN(26), r.IntN(100000))
	id := &d.Identity
	switch s {
	case canonFactory, canonHardened:
		id.IsPrinter, id.IsMFP = facts.Bool(true), facts.Bool(true)
		id.Vendor = attr("Canon", "snmp:sysObjectID")
		id.Family = attr("imageRUNNER ADVANCE", "http:title")
		id.Model = attr(pick(r, "iR-ADV C5535", "iR-ADV C5550", "iR-ADV DX C3826", "iR-ADV 6555i"), "snmp:hrDeviceDescr")
	case canonMF:
		id.IsPrinter, id.IsMFP = facts.Bool(true), facts.Bool(true)
		id.Vendor = attr("Canon", "snmp:sysObjectID")
		id.Family = attr("i-SENSYS", "http:title")
		id.Model = attr(pick(r, "MF443dw", "MF745Cdw", "MF656Cdw"), "snmp:hrDeviceDescr")
	case hpPrinter:
		id.IsPrinter, id.IsMFP = facts.Bool(true), facts.Bool(r.IntN(2) == 0)
		id.Vendor = attr("HP", "snmp:sysObjectID")
		id.Model = attr(pick(r, "LaserJet M507", "Color LaserJet MFP M480f"), "snmp:hrDeviceDescr")
	case webServer:
		id.IsPrinter, id.IsMFP = facts.Bool(false), facts.Bool(false)
	}
	if s != webServer && r.IntN(10) > 0 {
		id.Serial = attr(serial, "snmp:prtGeneralSerialNumber")
		id.DeviceID = "serial:" + serial
	} else {
		id.DeviceID = "address:" + d.Address
	}
	if r.IntN(20) == 0 && s != webServer {
		// Identity unknown: no source could say whether it is a printer.
		id.IsPrinter, id.IsMFP, id.Vendor = nil, nil, nil
	}
}

// servicePorts are the TCP ports each shape may expose, with the chance in
// percent that one is open.
var servicePorts = map[shape][]struct{ port, pct int }{
	canonFactory:  {{21, 70}, {23, 10}, {80, 100}, {443, 80}, {515, 80}, {631, 60}, {9100, 90}, {8000, 60}, {47545, 50}, {47546, 50}, {139, 30}, {445, 30}, {25, 20}, {3702, 40}, {5900, 3}},
	canonHardened: {{80, 20}, {443, 100}, {631, 30}, {9100, 20}, {8443, 30}},
	canonMF:       {{80, 100}, {443, 60}, {515, 50}, {631, 80}, {9100, 90}, {8611, 60}, {3702, 50}, {21, 20}},
	hpPrinter:     {{80, 90}, {443, 90}, {515, 40}, {631, 80}, {9100, 100}, {23, 10}},
	webServer:     {{22, 90}, {80, 100}, {443, 100}, {8080, 30}},
}

func ports(r *rand.Rand, d *facts.Device, s shape) {
	for _, p := range servicePorts[s] {
		if r.IntN(100) < p.pct {
			d.Ports = append(d.Ports, facts.Port{Port: p.port, Protocol: "tcp", State: "open"})
		}
	}
	if s != webServer && r.IntN(4) > 0 {
		d.Ports = append(d.Ports, facts.Port{Port: 161, Protocol: "udp", State: "open", Service: "snmp"})
	}
	if r.IntN(10) == 0 {
		d.Ports = append(d.Ports, facts.Port{Port: 69, Protocol: "udp", State: "open", Service: "tftp"})
	}
}

func hasPort(d *facts.Device, port int) bool {
	for _, p := range d.Ports {
		if p.Port == port && p.Protocol == "tcp" && p.State == "open" {
			return true
		}
	}
	return false
}

func web(r *rand.Rand, d *facts.Device, s shape) {
	if !hasPort(d, 80) && !hasPort(d, 443) {
		d.Collectors["http"] = facts.CollectorStatus{Status: facts.StatusClosed}
		return
	}
	d.Collectors["http"] = facts.CollectorStatus{Status: facts.StatusOK, DurationMS: int64(20 + r.IntN(400))}
	canon := s == canonFactory || s == canonHardened || s == canonMF
	ui := &facts.RemoteUI{Present: canon || s == hpPrinter}
	for _, p := range []int{80, 443} {
		if !hasPort(d, p) {
			continue
		}
		h := facts.HTTPService{Port: p, TLS: p == 443, Status: facts.StatusOK, StatusCode: 200, CanonRemoteUI: canon}
		if canon {
			h.Title = "Remote UI"
			h.Server = "CANON HTTP Server"
		} else {
			h.Server = pick(r, "nginx", "Apache", "HP HTTP Server")
		}
		ui.Ports = append(ui.Ports, p)
		if p == 80 {
			ui.HTTPPorts = append(ui.HTTPPorts, p)
			redir := s == canonHardened || r.IntN(3) == 0
			h.RedirectsToHTTPS = facts.Bool(redir)
			ui.RedirectsToHTTPS = facts.Bool(redir)
			ui.CleartextReachable = facts.Bool(!redir)
		} else {
			ui.TLSPorts = append(ui.TLSPorts, p)
			hsts := s == canonHardened && r.IntN(2) == 0
			h.HSTS = facts.Bool(hsts)
			ui.HSTS = facts.Bool(hsts)
		}
		d.HTTP = append(d.HTTP, h)
	}
	if !ui.Present {
		return
	}
	switch s {
	case canonHardened:
		ui.LoginMode = pick(r, facts.LoginModeUserPassword, facts.LoginModeSystemManager)
		ui.OTPStep = facts.Bool(r.IntN(3) == 0)
	case canonFactory:
		ui.LoginMode = pick(r, facts.LoginModeNone, facts.LoginModeGeneralNoPassword, facts.LoginModeDepartmentID)
		if ui.LoginMode == facts.LoginModeNone {
			ui.OpenPages = []string{"/rps/nativetop.cgi", "/rps/dstatus.cgi"}
		}
	default:
		ui.LoginMode = pick(r, facts.LoginModeNone, facts.LoginModeUserPassword, facts.LoginModeUnknown)
	}
	d.RemoteUI = ui
}

func tls(r *rand.Rand, d *facts.Device, s shape) {
	if !hasPort(d, 443) && !hasPort(d, 8443) {
		d.Collectors["tls"] = facts.CollectorStatus{Status: facts.StatusClosed}
		return
	}
	d.Collectors["tls"] = facts.CollectorStatus{Status: facts.StatusOK}
	for _, p := range []int{443, 8443} {
		if !hasPort(d, p) {
			continue
		}
		t := facts.TLSService{Port: p, Status: facts.StatusOK}
		if r.IntN(25) == 0 {
			t.Status, t.Reason = facts.StatusTimeout, "handshake timed out"
			d.TLS = append(d.TLS, t)
			continue
		}
		legacy := s == canonFactory || s == canonMF && r.IntN(2) == 0
		t.Versions = map[string]bool{"ssl3": legacy && r.IntN(10) == 0, "tls1_0": legacy, "tls1_1": legacy, "tls1_2": true, "tls1_3": s != canonFactory}
		suite := facts.Cipher{Name: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", ID: 0xc02f}
		t.Ciphers = map[string][]facts.Cipher{"tls1_2": {suite}}
		if legacy {
			t.Ciphers["tls1_0"] = []facts.Cipher{{Name: "TLS_RSA_WITH_3DES_EDE_CBC_SHA", ID: 0x000a, Weak: []string{"3des"}}}
		}
		t.Certificate = certificate(r, d, s)
		d.TLS = append(d.TLS, t)
	}
}

func certificate(r *rand.Rand, d *facts.Device, s shape) *facts.Certificate {
	nb := time.Date(2020+r.IntN(6), time.Month(1+r.IntN(12)), 1, 0, 0, 0, 0, time.UTC)
	c := &facts.Certificate{
		Subject:            "CN=" + d.Address,
		Issuer:             "CN=Corp Issuing CA",
		NotBefore:          nb,
		NotAfter:           nb.AddDate(1+r.IntN(5), 0, 0),
		KeyType:            "RSA",
		KeyBits:            pick(r, 2048, 2048, 3072, 1024),
		SignatureAlgorithm: pick(r, "SHA256-RSA", "SHA256-RSA", "SHA1-RSA"),
		SHA256:             fmt.Sprintf("%064x", r.Uint64()),
		FermatWeak:         facts.Bool(r.IntN(200) == 0),
	}
	if s == canonFactory || r.IntN(5) == 0 {
		c.Subject, c.Issuer, c.SelfSigned = "CN=Canon iR-ADV", "CN=Canon iR-ADV", true
		c.DefaultCanonSubject = s != hpPrinter && s != webServer
	}
	c.Expired = c.NotAfter.Before(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	return c
}

func snmp(r *rand.Rand, d *facts.Device, s shape) {
	open := false
	for _, p := range d.Ports {
		open = open || (p.Port == 161 && p.Protocol == "udp")
	}
	if !open {
		d.Collectors["snmp"] = facts.CollectorStatus{Status: pick(r, facts.StatusTimeout, facts.StatusClosed), Reason: "no answer"}
		return
	}
	d.Collectors["snmp"] = facts.CollectorStatus{Status: facts.StatusOK}
	sn := &facts.SNMP{Status: facts.StatusOK, Port: 161, CommunitiesAccepted: []string{}, CommunitiesTried: 4}
	switch {
	case s == canonHardened:
		sn.V1, sn.V2c, sn.V3 = facts.Bool(false), facts.Bool(false), facts.Bool(true)
	case r.IntN(3) == 0:
		sn.V1, sn.V2c, sn.V3 = facts.Bool(false), facts.Bool(true), nil
		sn.CommunitiesAccepted = []string{"corp-ro"}
	default:
		sn.V1, sn.V2c, sn.V3 = facts.Bool(true), facts.Bool(true), facts.Bool(false)
		sn.CommunitiesAccepted = []string{"public"}
		if r.IntN(4) == 0 {
			sn.CommunitiesAccepted = append(sn.CommunitiesAccepted, "private")
		}
	}
	if d.Identity.Model != nil && d.Identity.Vendor != nil {
		sn.SysDescr = d.Identity.Vendor.Value + " " + d.Identity.Model.Value
	}
	d.SNMP = sn
}

func ipp(r *rand.Rand, d *facts.Device, s shape) {
	if !hasPort(d, 631) {
		d.Collectors["ipp"] = facts.CollectorStatus{Status: facts.StatusClosed}
		return
	}
	d.Collectors["ipp"] = facts.CollectorStatus{Status: facts.StatusOK}
	sec := []string{"none"}
	if s == canonHardened || r.IntN(3) == 0 {
		sec = []string{"tls"}
	}
	d.IPP = append(d.IPP, facts.IPPService{Port: 631, Status: facts.StatusOK, URISecuritySupported: sec, URIAuthenticationSupport: []string{pick(r, "none", "requesting-user-name", "basic")}})
}

func firmware(r *rand.Rand, d *facts.Device, s shape) {
	if r.IntN(8) == 0 {
		return // firmware unknown
	}
	fw := &facts.Firmware{Version: fmt.Sprintf("%d.%02d", 1+r.IntN(3), r.IntN(20)), Source: "snmp"}
	switch {
	case s == hpPrinter:
		fw.AdvisoryStatus = "unsupported_vendor"
	case r.IntN(3) == 0:
		fw.AdvisoryStatus = "vulnerable"
		fw.Advisories = []facts.Advisory{{ID: "CP2023-001", CVEs: []string{"CVE-2022-43608"}, FixedIn: "3.00", URL: "https://psirt.canon/advisory-information/cp2023-001/"}}
	default:
		fw.AdvisoryStatus = pick(r, "not_affected", "unknown")
	}
	d.Firmware = fw
}

func credentials(r *rand.Rand, d *facts.Device, s shape) {
	if r.IntN(2) == 0 {
		d.Collectors["credentials"] = facts.CollectorStatus{Status: facts.StatusSkipped, Reason: "not requested"}
		return
	}
	d.Collectors["credentials"] = facts.CollectorStatus{Status: facts.StatusOK}
	accepted := s == canonFactory && r.IntN(2) == 0
	d.Credentials = &facts.Credentials{Status: facts.StatusOK, Checks: []facts.CredentialCheck{
		{Account: "system_manager_default", Port: 80, Accepted: facts.Bool(accepted), Status: facts.StatusOK},
		{Account: "administrator_default", Port: 80, Accepted: facts.Bool(false), Status: facts.StatusOK},
		{Account: "ftp_anonymous", Port: 21, Accepted: facts.Bool(r.IntN(4) == 0), Status: facts.StatusOK},
	}}
}

func attestations(r *rand.Rand, d *facts.Device) {
	if r.IntN(3) == 0 {
		return
	}
	b := func() *bool {
		if r.IntN(5) == 0 {
			return nil
		}
		return facts.Bool(r.IntN(3) > 0)
	}
	d.Attestations = &facts.Attestations{
		Source: "attestations.yaml", AccessControlledRoom: b(), FirewallRestricted: b(), FirmwareVerification: b(),
		AuditLogForwarded: b(), SecurityPolicyApplied: b(), AutoFirmwareUpdate: b(),
		WirelessSecurity: pick(r, "", "disabled", "wpa2", "wpa3", "none"),
	}
}
