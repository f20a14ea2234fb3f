# METADATA
# title: Conflicting outputs (runtime error fixture)
# description: Two values for one complete rule when both ports are open.
# scope: package
# custom:
#   id: TEST-CONFLICT-001
#   severity: low
#   guide_point: 1
#   remediation: Fix the rule.
package org.conflict

label := "telnet" if {
	some p in input.ports
	p.port == 23
}

label := "ftp" if {
	some p in input.ports
	p.port == 21
}

deny contains label if label == "telnet"
