# METADATA
# title: SMTP receive (I-Fax) is open
# description: >-
#   An SMTP listener (25/tcp) on the MFP receives I-Fax and e-mail print jobs, usually without
#   TLS or authentication. DISA MFD07.005 prohibits scan/receive over SMTP without PKI.
# scope: package
# related_resources:
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# custom:
#   id: MFP-SVC-009
#   severity: medium
#   guide_point: 3
#   guide_section: Restricting Communication with Firewalls
#   security_policy: Network
#   stig: [MFD07.005, MFD03.002]
#   nist: [CM-7, SC-8]
#   remediation: >-
#     Settings/Registration > Function Settings > Send > E-Mail/I-Fax Settings > Communication
#     Settings: set "SMTP RX" to Off, or set it to "Always Use TLS" (the Security Policy item
#     Remote UI: Settings/Registration > Security Settings > Security Policy Settings >
#     Network > Communication Operational Policy > Prohibit Cleartext Authentication for
#     Server Functions enforces it).
#   vendors: [any]
#   facts: [/ports, /collectors/discovery]
package mfpscan.rules.svc.smtp

import data.mfpscan.lib

# [port, protocol, service label] checked by this rule. deny spells each entry
# out as a body of its own (a constant message, a direct open_index lookup),
# which evaluates much cheaper than a loop over this list: keep both in step.
services := [[25, "tcp", "SMTP"]]

not_applicable contains reason if some reason in lib.mfp_not_applicable

deny contains {
	"msg": "SMTP open on 25/tcp",
	"fact": sprintf("/ports/%d", [i]),
	"evidence": {"port": 25, "protocol": "tcp", "service": object.get(lib.ports[i], "service", ""), "state": "open"},
} if some i in lib.open_index.tcp[25]

review contains reason if {
	some [port, proto, _] in services
	some reason in lib.port_review(port, proto)
}
