# METADATA
# title: SNMPv1 is enabled
# description: >-
#   SNMPv1 sends community strings in clear text and has no integrity protection; on Canon
#   devices v1 Read/Write also disables the SNMPv3 security functions. Canon's Security
#   Policy has "Prohibit Use of SNMPv1"; the MF/LBP manuals recommend disabling v1.
# scope: package
# related_resources:
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# custom:
#   id: MFP-SNMP-001
#   severity: high
#   guide_point: 4
#   guide_section: Securing the Communication Using Security Protocols
#   security_policy: Network
#   stig: [MFD02.003]
#   nist: [SC-8, IA-5, CM-7]
#   remediation: >-
#     Remote UI: Settings/Registration > Security Settings > Security Policy Settings >
#     Network > Communication Operational Policy: "Prohibit Use of SNMPv1" (or
#     Settings/Registration > Preferences > Network > TCP/IP Settings > SNMP Settings: "Use
#     SNMPv1" Off); use SNMPv3 with authentication and encryption.
#   vendors: [any]
#   facts: [/snmp/v1]
package mfpscan.rules.snmp.v1_enabled

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

not_applicable contains reason if some reason in lib.snmp_not_applicable

port := p if {
	p := lib.fact(["snmp", "port"])
	is_number(p)
} else := 161

deny contains {
	"msg": sprintf("SNMPv1 answers on %d/udp", [port]),
	"fact": "/snmp/v1",
	"evidence": {"port": port, "version": "v1", "answered": true},
} if {
	input.snmp.v1 == true
}

# SNMPv1 is known to be off only when the agent answered another version
# with a community that SNMPv1 ignored (see collectors/snmp); a silent agent
# proves nothing, since v1/v2c agents drop unknown communities without a word.
review contains sprintf("SNMPv1 not tested: %s", [lib.missing_reason("snmp")]) if {
	not lib.bool_known(["snmp", "v1"])
	not lib.collector_status("snmp") == "ok"
}

review contains "SNMPv1 did not answer the communities tried, which does not show it is off (an agent ignores communities it does not know)" if {
	not lib.bool_known(["snmp", "v1"])
	lib.collector_status("snmp") == "ok"
}
