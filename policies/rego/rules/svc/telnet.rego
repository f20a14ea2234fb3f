# METADATA
# title: Telnet is open
# description: >-
#   Telnet (23/tcp) carries management sessions and credentials in clear text. No current
#   Canon MFP needs it; an open Telnet port on a printer is a management backdoor.
# scope: package
# related_resources:
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# - https://www.canon.co.uk/support/product-security/
# custom:
#   id: MFP-SVC-002
#   severity: high
#   guide_point: 3
#   guide_section: Restricting Communication with Firewalls
#   security_policy: Network
#   stig: [MFD02.003]
#   nist: [CM-7, SC-8]
#   remediation: >-
#     Disable Telnet in the device's network settings; on Canon devices close it with the
#     Security Policy (Remote UI: Settings/Registration > Security Settings > Security Policy
#     Settings > Network > Port Usage Policy) and block 23/tcp at the firewall.
#   vendors: [any]
#   facts: [/ports, /collectors/discovery]
package mfpscan.rules.svc.telnet

import data.mfpscan.lib

# [port, protocol, service label] checked by this rule. deny spells each entry
# out as a body of its own (a constant message, a direct open_index lookup),
# which evaluates much cheaper than a loop over this list: keep both in step.
services := [[23, "tcp", "Telnet"]]

not_applicable contains reason if some reason in lib.mfp_not_applicable

deny contains {
	"msg": "Telnet open on 23/tcp",
	"fact": sprintf("/ports/%d", [i]),
	"evidence": {"port": 23, "protocol": "tcp", "service": object.get(lib.ports[i], "service", ""), "state": "open"},
} if some i in lib.open_index.tcp[23]

review contains reason if {
	some [port, proto, _] in services
	some reason in lib.port_review(port, proto)
}
