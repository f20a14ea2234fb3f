# METADATA
# title: Fixture TEST-SEV-001
# description: Fixture rule TEST-SEV-001.
# scope: package
# custom:
#   id: TEST-SEV-001
#   severity: urgent
#   guide_point: 1
#   remediation: Fix it.
package bad.badseverity

deny contains "x" if input.x
