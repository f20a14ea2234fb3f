# METADATA
# title: SNMPv1 answers (schema-typed fixture)
# description: Reads a misspelled fact; must fail to compile.
# scope: package
# schemas:
#   - input: schema["facts"]
# custom:
#   id: TEST-SCHEMA-001
#   severity: low
#   guide_point: 6
#   remediation: Fix the spelling.
package bad.schematypo

deny contains "SNMPv1 answers" if {
	input.snmp.version1 == true
}
