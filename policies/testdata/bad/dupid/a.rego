# METADATA
# title: Fixture TEST-DUP-001
# description: Fixture rule TEST-DUP-001.
# scope: package
# custom:
#   id: TEST-DUP-001
#   severity: low
#   guide_point: 1
#   remediation: Fix it.
package bad.dup_a

deny contains "a" if input.a
