# METADATA
# title: SNMPv1 answers (schema-typed fixture)
# description: Reads a correctly spelled fact.
# scope: package
# schemas:
#   - input: schema["facts"]
# custom:
#   id: TEST-SCHEMA-001
#   severity: low
#   guide_point: 6
#   remediation: Fix the spelling.
package ok.schematyped

deny contains "SNMPv1 answers" if {
	input.snmp.v1 == true
}
