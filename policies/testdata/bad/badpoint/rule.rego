# METADATA
# title: Fixture TEST-POINT-001
# description: Fixture rule TEST-POINT-001.
# scope: package
# custom:
#   id: TEST-POINT-001
#   severity: low
#   guide_point: 11
#   remediation: Fix it.
package bad.badpoint

deny contains "x" if input.x
