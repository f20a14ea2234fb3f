package collectors

import (
	"slices"

	"github.com/mfpscan/mfpscan/internal/porttable"
)

// Service roles a TCP port can be given; the port table assigns them.
const (
	RoleHTTP   = porttable.RoleHTTP
	RoleHTTPS  = porttable.RoleHTTPS
	RoleFTP    = porttable.RoleFTP
	RoleTelnet = porttable.RoleTelnet
	RoleSMTP   = porttable.RoleSMTP
	RoleLPD    = porttable.RoleLPD
	RoleRaw    = porttable.RoleRaw  // AppSocket / JetDirect 9100-9107: connect-only unless --probe-pjl
	RoleIPP    = porttable.RoleIPP  // 631, plain or TLS (the collector tries both)
	RoleIPPS   = porttable.RoleIPPS // IPP over TLS only
	RoleSMB    = porttable.RoleSMB
	RoleLDAPS  = porttable.RoleLDAPS
	RoleCanon  = porttable.RoleCanon // Canon dedicated ports 47546, 9007
	RoleOther  = porttable.RoleOther
)

// Roles maps ports to the service expected there.
type Roles struct {
	TCP map[int]string
	// Print marks further print ports, beyond 9100-9107, 515 and the raw
	// and lpd roles (see IsPrint): nothing but a connect goes there.
	Print map[int]bool
	// SNMPPort is the UDP port of the SNMP agent (161 unless shifted).
	SNMPPort int
}

// DefaultRoles are the roles the port table gives the ports of office MFPs.
// They cover more ports than the default sweep, so a port added with
// --ports is still understood.
func DefaultRoles() Roles {
	snmp := 0
	for _, e := range porttable.DefaultUDP() {
		if e.Probe == porttable.ProbeSNMP {
			snmp = e.Port
		}
	}
	return Roles{TCP: porttable.TCPRoles(), SNMPPort: snmp}
}

// Shift returns a copy of r with every port moved by offset, for a lab run
// by a user who cannot bind ports below 1024.
func (r Roles) Shift(offset int) Roles {
	out := Roles{TCP: make(map[int]string, len(r.TCP)), SNMPPort: r.SNMPPort + offset}
	for p, role := range r.TCP {
		out.TCP[p+offset] = role
	}
	if len(r.Print) > 0 {
		out.Print = make(map[int]bool, len(r.Print))
		for p, v := range r.Print {
			out.Print[p+offset] = v
		}
	}
	return out
}

// Ports returns the TCP ports in r, sorted.
func (r Roles) Ports() []int {
	out := make([]int, 0, len(r.TCP))
	for p := range r.TCP {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}
