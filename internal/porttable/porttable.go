// Package porttable is the one list of the ports office MFPs use: for each
// port its protocol, service name, the role a collector gives it, whether the
// default sweep probes it and whether it is a print port. The scanner, the
// collectors, the CLI's default --ports and the benchmarks all derive their
// defaults from it, so they cannot drift apart. It imports nothing of the
// project, so every stage may import it.
package porttable

import (
	"cmp"
	"slices"
)

// Protocols of an entry.
const (
	TCP = "tcp"
	UDP = "udp"
)

// Roles a collector gives a TCP port: which protocol it speaks there.
const (
	RoleHTTP   = "http"
	RoleHTTPS  = "https"
	RoleFTP    = "ftp"
	RoleTelnet = "telnet"
	RoleSMTP   = "smtp"
	RoleLPD    = "lpd"
	RoleRaw    = "raw"  // AppSocket / JetDirect: connect-only unless --probe-pjl
	RoleIPP    = "ipp"  // 631, plain or TLS (the collector tries both)
	RoleIPPS   = "ipps" // IPP over TLS only
	RoleSMB    = "smb"
	RoleLDAPS  = "ldaps"
	RoleCanon  = "canon_mgmt" // Canon dedicated ports 47546, 9007
	RoleOther  = "other"      // looked at (open or not), no protocol spoken
)

// UDP probe kinds the sweep knows how to send (see scanner.UDPProbe).
const (
	ProbeSNMP        = "snmp"
	ProbeWSD         = "wsd"
	ProbeSLP         = "slp"
	ProbeMDNS        = "mdns"
	ProbeBJNPPrinter = "bjnp-printer"
	ProbeBJNPScanner = "bjnp-scanner"
	ProbeTFTP        = "tftp"
)

// Entry is one port of the table.
type Entry struct {
	Port     int
	Protocol string // TCP or UDP
	// Service is the nmap-services name where nmap has one, so reports read
	// like nmap output; Canon's dedicated ports get a descriptive name.
	Service string
	// Role is what a collector speaks on a TCP port; "" when none does.
	Role string
	// Probe is the UDP discovery probe sent to the port; "" when none.
	Probe string
	// Swept: probed by the default sweep (no --ports given).
	Swept bool
	// Print: a print port, connect-only: nothing is ever written to it
	// except the opt-in PJL INFO ID on raw ports.
	Print bool
}

// table, ordered by protocol then port. Why each default-swept port is in
// the sweep:
//   - Remote UI: 80, 443, 8000 (iR/iR-ADV), 8080, 8443 (iR-ADV TLS);
//   - cleartext services the guide asks to close: 21, 23, 25, 139, 445;
//   - print paths: 515, 631, 9100; LDAPS 636; Canon's dedicated 9007, 47546;
//   - 5900 (remote operator's software, VNC): the default organisation data
//     forbids it (MFP-SVC-010), and a forbidden port that is not swept makes
//     that rule answer review on every device;
//   - UDP: SNMP 161, WS-Discovery 3702, SLP 427, mDNS 5353 and Canon's BJNP
//     8611/8612, one datagram each: the services the guide asks to disable
//     (a rule whose probe was never sent can only answer review), and BJNP's
//     get-identity reply also names a Canon device; TFTP 69 (a read request
//     for a file no device holds), forbidden by the default data.
//
// 47545/udp (Canon's dedicated device-management port) is listed but never
// probed: no public description of its protocol exists, so there is no
// request known to be read-only to send (MFP-SVC-008 says so in review).
//
// Rarer ports (427/tcp, 3756, 5357, 86xx, 9101-9107) stay opt-in through
// --ports to keep sweeps short; 9101-9107 are still print ports, so they are
// connect-only when an operator adds them.
var table = []Entry{
	{Port: 21, Protocol: TCP, Service: "ftp", Role: RoleFTP, Swept: true},
	{Port: 23, Protocol: TCP, Service: "telnet", Role: RoleTelnet, Swept: true},
	{Port: 25, Protocol: TCP, Service: "smtp", Role: RoleSMTP, Swept: true},
	{Port: 80, Protocol: TCP, Service: "http", Role: RoleHTTP, Swept: true},
	{Port: 139, Protocol: TCP, Service: "netbios-ssn", Role: RoleSMB, Swept: true},
	{Port: 427, Protocol: TCP, Service: "svrloc"},
	{Port: 443, Protocol: TCP, Service: "https", Role: RoleHTTPS, Swept: true},
	{Port: 445, Protocol: TCP, Service: "microsoft-ds", Role: RoleSMB, Swept: true},
	{Port: 515, Protocol: TCP, Service: "printer", Role: RoleLPD, Swept: true, Print: true},
	{Port: 631, Protocol: TCP, Service: "ipp", Role: RoleIPP, Swept: true},
	{Port: 636, Protocol: TCP, Service: "ldaps", Role: RoleLDAPS, Swept: true},
	{Port: 3756, Protocol: TCP, Service: "canon-capt"},
	{Port: 5357, Protocol: TCP, Service: "wsdapi"},
	{Port: 5900, Protocol: TCP, Service: "vnc", Role: RoleOther, Swept: true},
	{Port: 8000, Protocol: TCP, Service: "http-alt", Role: RoleHTTP, Swept: true},
	{Port: 8080, Protocol: TCP, Service: "http-proxy", Role: RoleHTTP, Swept: true},
	{Port: 8443, Protocol: TCP, Service: "https-alt", Role: RoleHTTPS, Swept: true},
	{Port: 8609, Protocol: TCP, Service: "canon-cpp-disc"},
	{Port: 8610, Protocol: TCP, Service: "canon-mfnp"},
	{Port: 9007, Protocol: TCP, Service: "canon-mgmt", Role: RoleCanon, Swept: true},
	{Port: 9100, Protocol: TCP, Service: "jetdirect", Role: RoleRaw, Swept: true, Print: true},
	{Port: 9101, Protocol: TCP, Service: "jetdirect", Role: RoleRaw, Print: true},
	{Port: 9102, Protocol: TCP, Service: "jetdirect", Role: RoleRaw, Print: true},
	{Port: 9103, Protocol: TCP, Service: "jetdirect", Role: RoleRaw, Print: true},
	{Port: 9104, Protocol: TCP, Service: "jetdirect", Role: RoleRaw, Print: true},
	{Port: 9105, Protocol: TCP, Service: "jetdirect", Role: RoleRaw, Print: true},
	{Port: 9106, Protocol: TCP, Service: "jetdirect", Role: RoleRaw, Print: true},
	{Port: 9107, Protocol: TCP, Service: "jetdirect", Role: RoleRaw, Print: true},
	{Port: 47546, Protocol: TCP, Service: "canon-mgmt", Role: RoleCanon, Swept: true},

	{Port: 69, Protocol: UDP, Service: "tftp", Probe: ProbeTFTP, Swept: true},
	{Port: 137, Protocol: UDP, Service: "netbios-ns"},
	{Port: 161, Protocol: UDP, Service: "snmp", Probe: ProbeSNMP, Swept: true},
	{Port: 427, Protocol: UDP, Service: "svrloc", Probe: ProbeSLP, Swept: true},
	{Port: 3702, Protocol: UDP, Service: "ws-discovery", Probe: ProbeWSD, Swept: true},
	{Port: 5353, Protocol: UDP, Service: "mdns", Probe: ProbeMDNS, Swept: true},
	{Port: 8610, Protocol: UDP, Service: "canon-mfnp"},
	{Port: 8611, Protocol: UDP, Service: "canon-bjnp1", Probe: ProbeBJNPPrinter, Swept: true},
	{Port: 8612, Protocol: UDP, Service: "canon-bjnp2", Probe: ProbeBJNPScanner, Swept: true},
	{Port: 47545, Protocol: UDP, Service: "canon-mgmt"},
}

// All returns a copy of the table, ordered by protocol then port.
func All() []Entry {
	out := slices.Clone(table)
	slices.SortFunc(out, func(a, b Entry) int {
		return cmp.Or(cmp.Compare(a.Protocol, b.Protocol), cmp.Compare(a.Port, b.Port))
	})
	return out
}

// Lookup returns the entry of port/proto.
func Lookup(proto string, port int) (Entry, bool) {
	for _, e := range table {
		if e.Port == port && e.Protocol == proto {
			return e, true
		}
	}
	return Entry{}, false
}

// Service returns the service name of port/proto, "" for a port not in the
// table.
func Service(proto string, port int) string {
	e, _ := Lookup(proto, port)
	return e.Service
}

// DefaultTCP returns the TCP ports the default sweep probes, ascending.
func DefaultTCP() []int {
	var out []int
	for _, e := range table {
		if e.Protocol == TCP && e.Swept {
			out = append(out, e.Port)
		}
	}
	slices.Sort(out)
	return out
}

// DefaultUDP returns the UDP entries the default sweep probes, ascending.
func DefaultUDP() []Entry {
	var out []Entry
	for _, e := range All() {
		if e.Protocol == UDP && e.Swept {
			out = append(out, e)
		}
	}
	return out
}

// TCPRoles maps every TCP port that has a collector role to it.
func TCPRoles() map[int]string {
	out := map[int]string{}
	for _, e := range table {
		if e.Protocol == TCP && e.Role != "" {
			out[e.Port] = e.Role
		}
	}
	return out
}

// IsPrintPort reports whether a TCP port is a print port (connect-only).
func IsPrintPort(port int) bool {
	e, ok := Lookup(TCP, port)
	return ok && e.Print
}
