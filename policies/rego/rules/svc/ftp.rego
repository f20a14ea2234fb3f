# METADATA
# title: FTP print server is open
# description: >-
#   FTP (21/tcp) sends user names, passwords and print data in clear text. Canon iR devices
#   expose an FTP print server; disable it unless a documented workflow needs it.
# scope: package
# related_resources:
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# - https://www.canon.co.uk/support/product-security/
# custom:
#   id: MFP-SVC-001
#   severity: high
#   guide_point: 3
#   guide_section: Restricting Communication with Firewalls
#   stig: [MFD02.003, MFD03.001]
#   nist: [CM-7, SC-8]
#   remediation: >-
#     Settings/Registration > Preferences > Network > TCP/IP Settings > FTP Print Settings: set
#     "Use FTP Printing" to Off (or apply Security Policy > Network > Communication Operational
#     Policy > Prohibit Cleartext Authentication for Server Functions).
#   vendors: [any]
#   facts: [/ports, /collectors/discovery]
package mfpscan.rules.svc.ftp

import data.mfpscan.lib

# [port, protocol, service label] checked by this rule.
services := [[21, "tcp", "FTP"]]

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
