# METADATA
# title: Telnet is open (single-file fixture)
# description: Fixture loaded as a single .rego file.
# scope: package
# custom:
#   id: TEST-FILE-001
#   severity: low
#   guide_point: 3
#   remediation: Disable Telnet.
package org.single.telnet

deny contains "telnet open" if {
	some p in input.ports
	p.port == 23
	p.state == "open"
}
