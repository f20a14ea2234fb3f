# METADATA
# title: Misnamed set
# description: Uses violation instead of deny, so it could never fail.
# scope: package
# custom:
#   id: TEST-NOSETS-001
#   severity: low
#   guide_point: 1
#   remediation: Rename violation to deny.
package bad.nosets

violation contains "x" if input.x
