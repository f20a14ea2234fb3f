# METADATA
# title: SNMP is in use without SNMPv3
# description: >-
#   The agent answers SNMPv1 or v2c but not SNMPv3, so monitoring cannot move to an
#   authenticated, encrypted protocol.
# scope: package
# related_resources:
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# custom:
#   id: MFP-SNMP-003
#   severity: low
#   guide_point: 4
#   guide_section: Securing the Communication Using Security Protocols
#   stig: [MFD02.003]
#   nist: [SC-8, IA-3]
#   remediation: >-
#     Preferences > Network > TCP/IP Settings > SNMP Settings: set "Use SNMPv3" to On, create
#     a user with authentication (SHA) and encryption (AES), then turn SNMPv1 off.
#   vendors: [any]
#   facts: [/snmp/v3, /snmp/v1, /snmp/v2c]
package mfpscan.rules.snmp.v3_unavailable

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

not_applicable contains reason if some reason in lib.snmp_not_applicable

not_applicable contains "SNMPv1 and v2c are off: nothing needs SNMPv3 as a replacement" if {
	input.snmp.v1 == false
	input.snmp.v2c == false
}

legacy := [label |
	some [k, label] in [["v1", "SNMPv1"], ["v2c", "SNMPv2c"]]
	lib.fact(["snmp", k]) == true
]

deny contains {
	"msg": sprintf("SNMP answers %s but not SNMPv3", [concat(" and ", legacy)]),
	"fact": "/snmp/v3",
	"evidence": {"v1": lib.fact(["snmp", "v1"]), "v2c": lib.fact(["snmp", "v2c"]), "v3": false},
} if {
	input.snmp.v3 == false
	count(legacy) > 0
}

review contains sprintf("SNMPv3 support not tested: %s", [lib.missing_reason("snmp")]) if {
	not lib.bool_known(["snmp", "v3"])
}

review contains "SNMPv3 does not answer, and whether SNMPv1/v2c answer is unknown" if {
	input.snmp.v3 == false
	count(legacy) == 0
	some k in ["v1", "v2c"]
	not lib.bool_known(["snmp", k])
}
