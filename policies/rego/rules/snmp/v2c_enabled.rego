# METADATA
# title: SNMPv2c is enabled
# description: >-
#   SNMPv2c, like v1, authenticates with a cleartext community string. Only SNMPv3 with
#   authPriv protects management traffic (DISA MFD02.003 allows HTTPS and SNMPv3 only).
# scope: package
# related_resources:
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# custom:
#   id: MFP-SNMP-002
#   severity: medium
#   guide_point: 4
#   guide_section: Securing the Communication Using Security Protocols
#   stig: [MFD02.003]
#   nist: [SC-8, IA-5, CM-7]
#   remediation: >-
#     Preferences > Network > TCP/IP Settings > SNMP Settings: disable SNMPv1/v2c and enable
#     SNMPv3 with authentication and encryption (Remote UI: Settings/Registration > Network
#     Settings > SNMP Settings).
#   vendors: [any]
#   facts: [/snmp/v2c]
package mfpscan.rules.snmp.v2c_enabled

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

not_applicable contains reason if some reason in lib.snmp_not_applicable

port := p if {
	p := lib.fact(["snmp", "port"])
	is_number(p)
} else := 161

deny contains {
	"msg": sprintf("SNMPv2c answers on %d/udp", [port]),
	"fact": "/snmp/v2c",
	"evidence": {"port": port, "version": "v2c", "answered": true},
} if {
	input.snmp.v2c == true
}

# SNMPv2c is known to be off only when the agent answered another version
# with a community that SNMPv2c ignored (see collectors/snmp); a silent agent
# proves nothing, since v1/v2c agents drop unknown communities without a word.
review contains sprintf("SNMPv2c not tested: %s", [lib.missing_reason("snmp")]) if {
	not lib.bool_known(["snmp", "v2c"])
	not lib.collector_status("snmp") == "ok"
}

review contains "SNMPv2c did not answer the communities tried, which does not show it is off (an agent ignores communities it does not know)" if {
	not lib.bool_known(["snmp", "v2c"])
	lib.collector_status("snmp") == "ok"
}
