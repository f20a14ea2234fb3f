# METADATA
# title: Default SNMP communities are accepted
# description: >-
#   The agent accepts a well-known community (public, private, canon_admin, canon_user;
#   Canon iR-ADV ships public/private, MF9100 canon_admin/canon_user). Anyone on the network
#   can read device data with it and, for read-write communities, change settings. The check
#   only reads (GET), never writes.
# scope: package
# related_resources:
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# - https://www.canon.co.uk/support/product-security/
# custom:
#   id: MFP-SNMP-004
#   severity: high
#   guide_point: 5
#   guide_section: Managing MFP Information with Passwords
#   security_policy: Network
#   stig: [MFD02.001]
#   nist: [IA-5, CM-6]
#   remediation: >-
#     Preferences > Network > TCP/IP Settings > SNMP Settings: change or delete the default
#     community names ("Community Name 1/2"), set MIB access to Read Only, and prefer SNMPv3
#     (Security Policy: Remote UI: Settings/Registration > Security Settings > Security Policy
#     Settings > Network > Communication Operational Policy > Prohibit Use of SNMPv1).
#   vendors: [any]
#   facts: [/snmp/communities_accepted]
package mfpscan.rules.snmp.default_communities

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

not_applicable contains reason if some reason in lib.snmp_not_applicable

defaults := {c | some c in lib.param("default_snmp_communities", ["public", "private", "canon_admin", "canon_user"])}

deny contains {
	"msg": sprintf("default SNMP community %q is accepted", [c]),
	"fact": "/snmp/communities_accepted",
	"evidence": {"community": c, "access": "read (GET only tested)"},
} if {
	some c in lib.arr(["snmp", "communities_accepted"])
	c in defaults
}

review contains sprintf("SNMP communities not tested: %s", [lib.missing_reason("snmp")]) if {
	not is_array(lib.fact(["snmp", "communities_accepted"]))
}

tried := n if {
	n := lib.fact(["snmp", "communities_tried"])
	is_number(n)
} else := 0

review contains "no SNMP community was tried" if {
	is_array(lib.fact(["snmp", "communities_accepted"]))
	tried == 0
}

review contains sprintf("SNMP collector: %s; communities may not all have been tried", [lib.collector_status("snmp")]) if {
	is_array(lib.fact(["snmp", "communities_accepted"]))
	count([c | some c in lib.arr(["snmp", "communities_accepted"]); c in defaults]) == 0
	not lib.collector_status("snmp") in {"ok", "closed"}
}
