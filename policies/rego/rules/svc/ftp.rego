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
#   security_policy: Network
#   stig: [MFD02.003, MFD03.001]
#   nist: [CM-7, SC-8]
#   remediation: >-
#     Settings/Registration > Preferences > Network > TCP/IP Settings > FTP Print Settings:
#     set "Use FTP Printing" to Off, or apply the Security Policy (Remote UI:
#     Settings/Registration > Security Settings > Security Policy Settings > Network >
#     Communication Operational Policy > Prohibit Cleartext Authentication for Server
#     Functions).
#   vendors: [any]
#   facts: [/ports, /collectors/discovery]
package mfpscan.rules.svc.ftp

import data.mfpscan.lib

# [port, protocol, service label] checked by this rule. deny spells each entry
# out as a body of its own (a constant message, a direct open_index lookup),
# which evaluates much cheaper than a loop over this list: keep both in step.
services := [[21, "tcp", "FTP"]]

not_applicable contains reason if some reason in lib.mfp_not_applicable

deny contains {
	"msg": "FTP open on 21/tcp",
	"fact": sprintf("/ports/%d", [i]),
	"evidence": {"port": 21, "protocol": "tcp", "service": object.get(lib.ports[i], "service", ""), "state": "open"},
} if some i in lib.open_index.tcp[21]

review contains reason if {
	some [port, proto, _] in services
	some reason in lib.port_review(port, proto)
}
