# METADATA
# title: Raw (port 9100 / PJL) printing is open
# description: >-
#   Raw printing on 9100/tcp accepts unauthenticated print jobs and PJL commands, which can
#   read device information and, on some devices, change settings or files. Restrict it to
#   print servers or disable it.
# scope: package
# related_resources:
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# - https://www.canon.co.uk/support/product-security/
# custom:
#   id: MFP-SVC-003
#   severity: medium
#   guide_point: 3
#   guide_section: Restricting Communication with Firewalls
#   stig: [MFD03.001, MFD04.001]
#   nist: [CM-7, AC-3]
#   remediation: >-
#     Settings/Registration > Preferences > Network > TCP/IP Settings > RAW Print Settings: set
#     "Use RAW Printing" to Off, or restrict 9100/tcp to the print servers with
#     Settings/Registration > Preferences > Network > Firewall Settings > IPv4 Address Filter.
#   vendors: [any]
#   facts: [/ports, /collectors/discovery]
package mfpscan.rules.svc.raw_9100

import data.mfpscan.lib

# [port, protocol, service label] checked by this rule. deny spells each entry
# out as a body of its own (a constant message, a direct open_index lookup),
# which evaluates much cheaper than a loop over this list: keep both in step.
services := [[9100, "tcp", "raw / PJL printing"]]

not_applicable contains reason if some reason in lib.mfp_not_applicable

deny contains {
	"msg": "raw / PJL printing open on 9100/tcp",
	"fact": sprintf("/ports/%d", [i]),
	"evidence": {"port": 9100, "protocol": "tcp", "service": object.get(lib.ports[i], "service", ""), "state": "open"},
} if some i in lib.open_index.tcp[9100]

review contains reason if {
	some [port, proto, _] in services
	some reason in lib.port_review(port, proto)
}
