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
#   security_policy: Network
#   stig: [MFD03.001]
#   nist: [CM-7, SC-8]
#   remediation: >-
#     Settings/Registration > Preferences > Network > TCP/IP Settings > LPD Print Settings:
#     set "Use LPD Printing" to Off, or apply the Security Policy (Remote UI:
#     Settings/Registration > Security Settings > Security Policy Settings > Network > Port
#     Usage Policy > Restrict LPD Port (Port Number: 515)).
#   vendors: [any]
#   facts: [/ports, /collectors/discovery]
package mfpscan.rules.svc.lpd

import data.mfpscan.lib

# [port, protocol, service label] checked by this rule. deny spells each entry
# out as a body of its own (a constant message, a direct open_index lookup),
# which evaluates much cheaper than a loop over this list: keep both in step.
services := [[515, "tcp", "LPD"]]

not_applicable contains reason if some reason in lib.mfp_not_applicable

deny contains {
	"msg": "LPD open on 515/tcp",
	"fact": sprintf("/ports/%d", [i]),
	"evidence": {"port": 515, "protocol": "tcp", "service": object.get(lib.ports[i], "service", ""), "state": "open"},
} if some i in lib.open_index.tcp[515]

review contains reason if {
	some [port, proto, _] in services
	some reason in lib.port_review(port, proto)
}
