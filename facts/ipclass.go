package facts

import "net/netip"

// IPClass names the kind of address a device answers on. Key point 2 of the
// guide hinges on it: an MFP on a global address is reachable from outside.
type IPClass string

// Address classes. Global addresses are the only ones routable on the
// Internet; every other class is some flavour of local or reserved.
const (
	IPClassPrivate       IPClass = "private"       // RFC 1918
	IPClassPublic        IPClass = "public"        // global IPv4
	IPClassLoopback      IPClass = "loopback"      // 127/8, ::1
	IPClassLinkLocal     IPClass = "link_local"    // 169.254/16, fe80::/10
	IPClassCGNAT         IPClass = "cgnat"         // 100.64/10 (RFC 6598)
	IPClassDocumentation IPClass = "documentation" // RFC 5737, RFC 3849
	IPClassULA           IPClass = "ipv6_ula"      // fc00::/7
	IPClassGlobalIPv6    IPClass = "ipv6_global"   // 2000::/3
	IPClassMulticast     IPClass = "multicast"     // 224/4, ff00::/8
	IPClassUnspecified   IPClass = "unspecified"   // 0.0.0.0, ::
	IPClassReserved      IPClass = "reserved"      // everything else that is not routable
)

var (
	prefixCGNAT    = netip.MustParsePrefix("100.64.0.0/10")
	prefixDoc4     = []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("203.0.113.0/24")}
	prefixDoc6     = []netip.Prefix{netip.MustParsePrefix("2001:db8::/32"), netip.MustParsePrefix("3fff::/20")}
	prefixReserved = []netip.Prefix{
		netip.MustParsePrefix("0.0.0.0/8"),
		netip.MustParsePrefix("192.0.0.0/24"),
		netip.MustParsePrefix("198.18.0.0/15"),
		netip.MustParsePrefix("240.0.0.0/4"),
	}
	prefixULA     = netip.MustParsePrefix("fc00::/7")
	prefixGlobal6 = netip.MustParsePrefix("2000::/3")
)

// Classify returns the class of addr. IPv4-mapped IPv6 addresses are
// classified as the IPv4 address they carry.
func Classify(addr netip.Addr) IPClass {
	addr = addr.Unmap()
	switch {
	case !addr.IsValid() || addr.IsUnspecified():
		return IPClassUnspecified
	case addr.IsLoopback():
		return IPClassLoopback
	case addr.IsLinkLocalUnicast():
		return IPClassLinkLocal
	case addr.IsMulticast():
		return IPClassMulticast
	}
	if addr.Is4() {
		switch {
		case addr.IsPrivate():
			return IPClassPrivate
		case prefixCGNAT.Contains(addr):
			return IPClassCGNAT
		case containsAny(prefixDoc4, addr):
			return IPClassDocumentation
		case containsAny(prefixReserved, addr), addr == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
			return IPClassReserved
		}
		return IPClassPublic
	}
	switch {
	case containsAny(prefixDoc6, addr):
		return IPClassDocumentation
	case prefixULA.Contains(addr):
		return IPClassULA
	case prefixGlobal6.Contains(addr):
		return IPClassGlobalIPv6
	}
	return IPClassReserved
}

// IsGlobal reports whether the class is routable on the Internet.
func (c IPClass) IsGlobal() bool {
	return c == IPClassPublic || c == IPClassGlobalIPv6
}

func containsAny(prefixes []netip.Prefix, addr netip.Addr) bool {
	for _, p := range prefixes {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}
