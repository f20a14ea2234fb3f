# METADATA
# title: Rego v0 syntax
# description: deny[msg] without contains/if is not Rego v1.
# scope: package
# custom:
#   id: TEST-SYNTAX-001
#   severity: low
#   guide_point: 1
#   remediation: Port to Rego v1.
package bad.syntax

deny[msg] {
	input.x
	msg := "x"
}
