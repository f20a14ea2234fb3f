package collectors

import "slices"

// Service roles a TCP port can be given.
const (
	RoleHTTP   = "http"
	RoleHTTPS  = "https"
	RoleFTP    = "ftp"
	RoleTelnet = "telnet"
	RoleSMTP   = "smtp"
	RoleLPD    = "lpd"
	RoleRaw    = "raw"  // AppSocket / JetDirect 9100: connect-only unless --probe-pjl
	RoleIPP    = "ipp"  // 631, plain or TLS (the collector tries both)
	RoleIPPS   = "ipps" // IPP over TLS only
	RoleSMB    = "smb"
	RoleLDAPS  = "ldaps"
	RoleCanon  = "canon_mgmt" // Canon dedicated ports 47546, 9007
	RoleOther  = "other"
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

// DefaultRoles are the well-known ports of office MFPs.
func DefaultRoles() Roles {
	return Roles{
		TCP: map[int]string{
			21: RoleFTP, 23: RoleTelnet, 25: RoleSMTP,
			80: RoleHTTP, 8000: RoleHTTP, 8080: RoleHTTP,
			443: RoleHTTPS, 8443: RoleHTTPS,
			139: RoleSMB, 445: RoleSMB,
			515: RoleLPD, 631: RoleIPP, 636: RoleLDAPS,
			9100: RoleRaw, 47546: RoleCanon, 9007: RoleCanon,
			// Remote operator's software (VNC) on iR-ADV; the default
			// organisation data forbids it, so the sweep must look.
			5900: RoleOther,
		},
		SNMPPort: 161,
	}
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
