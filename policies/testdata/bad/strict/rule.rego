# METADATA
# title: Unused local (strict-mode fixture)
# description: Assigns a variable it never uses; strict mode rejects it.
# scope: package
# custom:
#   id: TEST-STRICT-001
#   severity: low
#   guide_point: 1
#   remediation: Remove the unused variable.
package bad.strict

deny contains "x" if {
	unused := input.y
	input.x
}
