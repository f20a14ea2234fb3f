# METADATA
# title: No severity or remediation
# description: Fixture lacking required METADATA.
# scope: package
# custom:
#   id: TEST-MISSING-001
#   guide_point: 2
package bad.missingmeta

deny contains "x" if input.x
