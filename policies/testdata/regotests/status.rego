# METADATA
# title: SNMP v1 or v2c answers (fixture)
# description: Fixture rule exercising every status of the contract.
# scope: package
# related_resources:
# - https://example.invalid/status
# custom:
#   id: TEST-STATUS-001
#   severity: high
#   guide_point: 5
#   guide_section: Fixture section
#   stig: [MFD00.001]
#   nist: [CM-7, SC-8]
#   remediation: Turn SNMP v1 and v2c off.
#   vendors: [any]
#   facts: [/snmp]
package custom.status

import data.custom.helpers

not_applicable contains "device is not a printer" if input.identity.is_printer == false

# A bare string is a valid deny element.
deny contains "SNMPv1 answers" if input.snmp.v1 == true

deny contains {"msg": "SNMPv2c answers", "fact": "/snmp/v2c", "evidence": {"v2c": true}} if {
	input.snmp.v2c == true
}

review contains "SNMP was not collected" if not helpers.snmp_collected
