package scanner

import "slices"

// tcpServices names the TCP ports office MFPs are known to open. Names follow
// nmap-services where one exists, so reports read the same as nmap output;
// Canon's dedicated management ports get a descriptive name instead.
var tcpServices = map[int]string{
	21:    "ftp",
	23:    "telnet",
	25:    "smtp",
	80:    "http",
	139:   "netbios-ssn",
	427:   "svrloc",
	443:   "https",
	445:   "microsoft-ds",
	515:   "printer",
	631:   "ipp",
	636:   "ldaps",
	3756:  "canon-capt",
	5357:  "wsdapi",
	8000:  "http-alt",
	8080:  "http-proxy",
	8443:  "https-alt",
	8609:  "canon-cpp-disc",
	8610:  "canon-mfnp",
	9007:  "canon-mgmt",
	9100:  "jetdirect",
	47546: "canon-mgmt",
}

// udpServices names the UDP services MFPs answer.
var udpServices = map[int]string{
	137:   "netbios-ns",
	161:   "snmp",
	427:   "svrloc",
	3702:  "ws-discovery",
	5353:  "mdns",
	8610:  "canon-mfnp",
	8611:  "canon-bjnp1",
	8612:  "canon-bjnp2",
	47545: "canon-mgmt",
}

// ServiceName returns the conventional service name of a port, or "" when the
// port is not one MFPs are known to use. proto is "tcp" or "udp".
func ServiceName(proto string, port int) string {
	switch proto {
	case "tcp":
		return tcpServices[port]
	case "udp":
		return udpServices[port]
	}
	return ""
}

// defaultTCPPorts is the sweep's default port set, the same ports
// collectors.DefaultRoles gives a role: the Remote UI (80, 443, 8000, 8080,
// 8443), cleartext services the guide asks to close (21, 23, 25, 139, 445),
// print paths (515, 631, 9100), LDAPS (636) and Canon's dedicated ports
// (9007, 47546). Rarer ports named above (3756, 5357, 86xx, 427) stay opt-in
// through --ports to keep sweeps short.
var defaultTCPPorts = []int{21, 23, 25, 80, 139, 443, 445, 515, 631, 636, 8000, 8080, 8443, 9007, 9100, 47546}

// DefaultTCPPorts returns the MFP port set swept when no --ports is given,
// in ascending order. The slice is a fresh copy.
func DefaultTCPPorts() []int { return slices.Clone(defaultTCPPorts) }
