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

deny contains {
	"msg": sprintf("SNMPv2c answers on %d/udp", [object.get(input.snmp, "port", 161)]),
	"fact": "/snmp/v2c",
	"evidence": {"port": object.get(input.snmp, "port", 161), "version": "v2c", "answered": true},
} if {
	input.snmp.v2c == true
}

review contains sprintf("SNMPv2c not tested: %s", [lib.missing_reason("snmp")]) if {
	not lib.collector_status("snmp") in {"ok", "closed"}
	not is_boolean(object.get(input, ["snmp", "v2c"], null))
}

review contains "SNMPv2c not tested although the SNMP agent answered" if {
	input.collectors.snmp.status == "ok"
	not is_boolean(object.get(input, ["snmp", "v2c"], null))
}
