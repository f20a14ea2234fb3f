# METADATA
# title: LPD printing is open
# description: >-
#   LPD (515/tcp) accepts unauthenticated, unencrypted print jobs. Canon's Security Policy
#   lists "Restrict LPD Port (515)" under Port Usage Policy.
# scope: package
# related_resources:
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# custom:
#   id: MFP-SVC-004
#   severity: medium
#   guide_point: 3
#   guide_section: Restricting Communication with Firewalls
#   stig: [MFD03.001]
#   nist: [CM-7, SC-8]
#   remediation: >-
#     Settings/Registration > Preferences > Network > TCP/IP Settings > LPD Print Settings: set
#     "Use LPD Printing" to Off, or apply Security Policy > Network > Port Usage Policy >
#     Restrict LPD Port (Port Number: 515).
#   vendors: [any]
#   facts: [/ports, /collectors/discovery]
package mfpscan.rules.svc.lpd

import data.mfpscan.lib

# [port, protocol, service label] checked by this rule.
services := [[515, "tcp", "LPD"]]

not_applicable contains reason if some reason in lib.mfp_not_applicable

deny contains {
	"msg": sprintf("%s open on %d/%s", [label, port, proto]),
	"fact": sprintf("/ports/%d", [i]),
	"evidence": {"port": port, "protocol": proto, "service": object.get(lib.ports[i], "service", ""), "state": "open"},
} if {
	some [port, proto, label] in services
	some i in lib.open_index[proto][port]
}

review contains reason if {
	not lib.port_review_none
	some [port, proto, _] in services
	some reason in lib.port_review(port, proto)
}
