package lab

import (
	"crypto/tls"
	"slices"
)

// service is what a TCP listener of a simulated device speaks.
type service int

const (
	svcHTTP     service = iota + 1 // the profile's web UI, cleartext
	svcHTTPS                       // the profile's web UI over TLS
	svcRedirect                    // cleartext, 301 to https://<addr>/
	svcFTP                         // FTP print server banner; never accepts a file
	svcRaw                         // AppSocket 9100; reads and discards, never prints
	svcLPD                         // LPD 515; refuses jobs
	svcIPP                         // IPP over cleartext HTTP
	svcIPPS                        // IPP over TLS
)

// role is the collectors' role name for the service (kept as plain strings so
// the lab does not import the scanning stages).
func (s service) role() string {
	switch s {
	case svcHTTP, svcRedirect:
		return "http"
	case svcHTTPS:
		return "https"
	case svcFTP:
		return "ftp"
	case svcRaw:
		return "raw"
	case svcLPD:
		return "lpd"
	case svcIPP:
		return "ipp"
	case svcIPPS:
		return "ipps"
	}
	return "other"
}

// webFlavour selects which simulated web application answers on the HTTP(S)
// ports; each flavour renders its pages from the profile's identity.
type webFlavour int

const (
	webCatwalk  webFlavour = iota + 1 // iR-ADV Remote UI, portal without login
	webHardened                       // iR-ADV DX, user name + password, then one-time password
	webCanonMF                        // i-SENSYS MF, System Manager PIN on /checkLogin.cgi
	webHP                             // HP Embedded Web Server
	webNginx                          // not a printer
)

// keyKind is the type of a certificate key.
type keyKind int

const (
	keyRSA2048 keyKind = iota + 1
	keyECDSAP256
)

type tlsSpec struct {
	subjectCN  string
	org        string
	key        keyKind
	signedByCA bool // signed by the lab CA rather than self-signed
	minVersion uint16
	maxVersion uint16
	suites     []uint16 // TLS 1.0-1.2 suites; nil = Go's defaults
	hsts       bool
}

type snmpSpec struct {
	v1, v2c     bool
	v3          bool // answers v3 discovery with an AGENT++ engine ID
	communities []string
	// objects beyond the ones derived from identity (sysDescr, ipAddrTable, ...)
	extra []mibEntry
}

type identity struct {
	vendor       string
	model        string // Canon canPdInfoProductName / HP model
	firmware     string
	serial       string
	sysDescr     string
	sysObjectID  string
	hostname     string // sysName
	makeAndModel string // IPP printer-make-and-model and hrDeviceDescr
	webModel     string // product name in web page titles; "" = model
}

type listenerSpec struct {
	port int
	svc  service
}

// profile describes one simulated device. Adding a device kind is adding a
// value to profiles (with an existing web flavour).
type profile struct {
	name        string
	description string
	id          identity
	web         webFlavour
	tcp         []listenerSpec
	tls         *tlsSpec
	snmp        *snmpSpec
	// discovery answers WS-Discovery (3702/udp) and SLP (427/udp) probes,
	// as Canon devices do by default.
	discovery bool
	// bjnp answers BJNP get-identity on 8611/udp and 8612/udp (needs
	// discovery), as Canon MF/LBP devices do.
	bjnp bool
	// tftp runs a TFTP server on 69/udp, a service the default data
	// forbids, for the sweep's TFTP probe to find.
	tftp      bool
	ftpBanner string
	// hostile selects a broken or malicious behaviour (hostile.go) that
	// replaces the normal services; zero for the well-behaved profiles.
	hostile hostileKind
}

// hardenedSuites are what a hardened device offers for TLS 1.2: forward
// secrecy and AEAD only (TLS 1.3 suites are not configurable in Go).
var hardenedSuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
}

// Legacy suites are listed on purpose: the factory profile must give
// weak-cipher checks something to find. 3DES (Sweet32) is what older Canon
// firmware still offers until "Prohibit Use of Weak Encryption" is applied.
var factorySuites = []uint16{
	tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
	tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
	tls.TLS_RSA_WITH_AES_128_CBC_SHA,
	tls.TLS_RSA_WITH_AES_256_CBC_SHA,
}

// Profile names.
const (
	ProfileFactory  = "ir-adv-factory"
	ProfileHardened = "ir-adv-hardened"
	ProfileMF       = "mf-small-office"
	ProfileHP       = "hp-laserjet"
	ProfileWeb      = "web-server"
)

// profiles returns the profile table in default fleet order. It is a function
// rather than a package variable so no caller can mutate shared state.
func profiles() []profile {
	return []profile{
		{
			name:        ProfileFactory,
			description: "Canon imageRUNNER ADVANCE C5535i III as shipped: HTTP and HTTPS Remote UI without login, TLS 1.0-1.2, SNMP v1/v2c public+private, FTP, LPD, raw, IPP, WSD and SLP discovery",
			id: identity{
				vendor: "Canon", model: "iR-ADV C5535 III", firmware: "47.07", serial: "XKM01234",
				sysDescr: "Canon iR-ADV C5535 III /P", sysObjectID: "1.3.6.1.4.1.1602.4.7",
				hostname: "iR-ADV-C5535-III", makeAndModel: "Canon iR-ADV C5535 III",
			},
			web: webCatwalk,
			tcp: []listenerSpec{
				{21, svcFTP}, {80, svcHTTP}, {443, svcHTTPS}, {515, svcLPD}, {631, svcIPP},
				{8000, svcHTTP}, {8443, svcHTTPS}, {9100, svcRaw},
			},
			tls: &tlsSpec{
				subjectCN: "Canon iR-ADV C5535 III", key: keyRSA2048,
				minVersion: tls.VersionTLS10, maxVersion: tls.VersionTLS12, suites: factorySuites,
			},
			snmp:      &snmpSpec{v1: true, v2c: true, communities: []string{"public", "private"}},
			discovery: true,
			ftpBanner: "220 Canon iR-ADV C5535 III FTP Print Server V2.10 ready.",
		},
		{
			name:        ProfileHardened,
			description: "Canon imageRUNNER ADVANCE DX C5870i hardened: HTTPS only (TLS 1.2/1.3, CA-signed, HSTS), user login + one-time password, SNMPv3 only, IPPS",
			id: identity{
				vendor: "Canon", model: "iR-ADV DX C5870", firmware: "27.09", serial: "3RG04567",
				sysDescr: "Canon iR-ADV DX C5870 /P", sysObjectID: "1.3.6.1.4.1.1602.4.7",
				hostname: "mfp-hardened", makeAndModel: "Canon iR-ADV DX C5870",
			},
			web: webHardened,
			tcp: []listenerSpec{
				{80, svcRedirect}, {443, svcHTTPS}, {631, svcIPPS}, {8443, svcHTTPS},
			},
			tls: &tlsSpec{
				subjectCN: "mfp-hardened.lab.invalid", org: "mfpscan lab", key: keyECDSAP256, signedByCA: true,
				minVersion: tls.VersionTLS12, maxVersion: tls.VersionTLS13, hsts: true, suites: hardenedSuites,
			},
			snmp: &snmpSpec{v3: true},
		},
		{
			name:        ProfileMF,
			description: "Canon i-SENSYS MF754Cdw (MF750C Series) firmware 03.07: HTTP Remote UI with System Manager PIN and General User Mode open without a PIN, HTTPS TLS 1.2 only, SNMP v1 public, IPP, raw, WSD, SLP and BJNP discovery",
			id: identity{
				vendor: "Canon", model: "MF750C Series", firmware: "03.07", serial: "WGD12345",
				sysDescr: "Canon MF750C Series /P", sysObjectID: "1.3.6.1.4.1.1602.4.2",
				hostname: "CANON1A2B3C", makeAndModel: "Canon MF750C Series", webModel: "MF754Cdw",
			},
			web: webCanonMF,
			tcp: []listenerSpec{{80, svcHTTP}, {443, svcHTTPS}, {631, svcIPP}, {9100, svcRaw}},
			tls: &tlsSpec{
				subjectCN: "Canon Imaging Product", key: keyRSA2048,
				minVersion: tls.VersionTLS12, maxVersion: tls.VersionTLS12,
			},
			snmp:      &snmpSpec{v1: true, communities: []string{"public"}},
			discovery: true,
			bjnp:      true,
		},
		{
			name:        ProfileHP,
			description: "HP LaserJet Enterprise M507 (not Canon): HP Embedded Web Server, SNMP v1/v2c public, raw, IPP, and a TFTP server left on (a forbidden service for the lab to find, not a claim about HP's defaults)",
			id: identity{
				vendor: "HP", model: "HP LaserJet Enterprise M507", firmware: "2506116_000184", serial: "PHBLB12345",
				sysDescr:    "HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153,EEPROM JSI23900012,CIDATE 05/13/2025",
				sysObjectID: "1.3.6.1.4.1.11.2.3.9.1",
				hostname:    "NPI8C1D2E", makeAndModel: "HP LaserJet Enterprise M507",
			},
			web: webHP,
			tcp: []listenerSpec{{80, svcHTTP}, {443, svcHTTPS}, {631, svcIPP}, {9100, svcRaw}},
			tls: &tlsSpec{
				subjectCN: "HPI8C1D2E", org: "HP", key: keyRSA2048,
				minVersion: tls.VersionTLS12, maxVersion: tls.VersionTLS13,
			},
			snmp: &snmpSpec{v1: true, v2c: true, communities: []string{"public"}},
			tftp: true,
		},
		{
			name:        ProfileWeb,
			description: "nginx 1.24.0 web server, not a printer",
			id:          identity{hostname: "www"},
			web:         webNginx,
			tcp:         []listenerSpec{{80, svcHTTP}, {443, svcHTTPS}},
			tls: &tlsSpec{
				subjectCN: "www.example.invalid", key: keyECDSAP256,
				minVersion: tls.VersionTLS12, maxVersion: tls.VersionTLS13,
			},
		},
	}
}

// ProfileNames lists the profiles in default fleet order.
func ProfileNames() []string { return profileNames(profiles()) }

func profileNames(ps []profile) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.name
	}
	return out
}

func lookupProfile(name string) (profile, bool) {
	// Hostile profiles are opt-in: selectable by name, never in the default
	// fleet.
	ps := append(profiles(), hostileProfiles()...)
	i := slices.IndexFunc(ps, func(p profile) bool { return p.name == name })
	if i < 0 {
		return profile{}, false
	}
	return ps[i], true
}
