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
#   stig: [MFD02.003]
#   nist: [SC-8, IA-5, CM-7]
#   remediation: >-
#     Settings/Registration > Management Settings > Security Policy > Network > Prohibit Use
#     of SNMPv1 (or Preferences > Network > TCP/IP Settings > SNMP Settings: "Use SNMPv1"
#     Off); use SNMPv3 with authentication and encryption.
#   vendors: [any]
#   facts: [/snmp/v1]
package mfpscan.rules.snmp.v1_enabled

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

not_applicable contains reason if some reason in lib.snmp_not_applicable

deny contains {
	"msg": sprintf("SNMPv1 answers on %d/udp", [object.get(input.snmp, "port", 161)]),
	"fact": "/snmp/v1",
	"evidence": {"port": object.get(input.snmp, "port", 161), "version": "v1", "answered": true},
} if {
	input.snmp.v1 == true
}

review contains sprintf("SNMPv1 not tested: %s", [lib.missing_reason("snmp")]) if {
	not lib.collector_status("snmp") in {"ok", "closed"}
	not is_boolean(object.get(input, ["snmp", "v1"], null))
}

review contains "SNMPv1 not tested although the SNMP agent answered" if {
	input.collectors.snmp.status == "ok"
	not is_boolean(object.get(input, ["snmp", "v1"], null))
}
