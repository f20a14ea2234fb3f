# METADATA
# title: Fixture TEST-NET-002
# description: Fixture rule TEST-NET-002.
# scope: package
# custom:
#   id: TEST-NET-002
#   severity: low
#   guide_point: 1
#   remediation: Fix it.
package bad.netlookup

deny contains "resolves" if {
	addrs := net.lookup_ip_addr("localhost")
	count(addrs) > 0
}
