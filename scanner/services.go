package scanner

import (
	"fmt"

	"github.com/mfpscan/mfpscan/internal/porttable"
)

// ServiceName returns the conventional service name of a port, or "" when the
// port is not one MFPs are known to use. proto is "tcp" or "udp".
func ServiceName(proto string, port int) string {
	return porttable.Service(proto, port)
}

// DefaultTCPPorts returns the MFP port set swept when no --ports is given,
// in ascending order: the ports the port table marks as swept. The slice is
// a fresh copy.
func DefaultTCPPorts() []int { return porttable.DefaultTCP() }

// DefaultUDPProbes returns the UDP probes of the default sweep, from the port
// table: SNMP with the "public" community plus extra, WS-Discovery and SLP.
func DefaultUDPProbes(extraCommunities ...string) []UDPProbe {
	var out []UDPProbe
	for _, e := range porttable.DefaultUDP() {
		switch e.Probe {
		case porttable.ProbeSNMP:
			p := SNMPProbe(extraCommunities...)
			p.Port = e.Port
			out = append(out, p)
		case porttable.ProbeWSD, porttable.ProbeSLP, porttable.ProbeMDNS, porttable.ProbeBJNPPrinter, porttable.ProbeBJNPScanner, porttable.ProbeTFTP:
			out = append(out, UDPProbe{Port: e.Port, Service: e.Probe})
		default:
			// The table and this switch are one change; a test runs this.
			panic(fmt.Sprintf("port table: no UDP probe %q for %d/udp", e.Probe, e.Port))
		}
	}
	return out
}
