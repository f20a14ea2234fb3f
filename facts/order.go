package facts

import (
	"net/netip"
	"strings"
)

// CompareAddress is the one address order of the project (facts files,
// policy results, every report): numeric netip order, so 10.0.0.9 comes
// before 10.0.0.10 and IPv4 before IPv6. A string that is not an address
// sorts after every address, by text, so the order stays total.
func CompareAddress(a, b string) int {
	if a == b {
		return 0
	}
	pa, ea := netip.ParseAddr(a)
	pb, eb := netip.ParseAddr(b)
	switch {
	case ea == nil && eb == nil:
		if c := pa.Compare(pb); c != 0 {
			return c
		}
	case ea == nil:
		return -1
	case eb == nil:
		return 1
	}
	return strings.Compare(a, b)
}
