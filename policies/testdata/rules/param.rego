# METADATA
# title: Organisation-forbidden port is open (fixture)
# description: Fixture rule reading an organisation parameter from data.
# scope: package
# custom:
#   id: TEST-PARAM-001
#   severity: medium
#   guide_point: 3
#   guide_section: Fixture firewall section
#   remediation: Close the port.
#   vendors: [any]
#   facts: [/ports]
package custom.param

default forbidden := 23

forbidden := data.mfpscan.config.test_forbidden_port

deny contains {
	"msg": sprintf("port %d is open", [p.port]),
	"fact": sprintf("/ports/%d", [i]),
	"evidence": {"port": p.port},
} if {
	some i, p in input.ports
	p.state == "open"
	p.port == forbidden
}
