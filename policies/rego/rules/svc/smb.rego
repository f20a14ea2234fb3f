# METADATA
# title: SMB / NetBIOS file sharing is open
# description: >-
#   SMB (139/445 tcp) exposes the Advanced Box / shared folders and NetBIOS name parsing, a
#   code surface with known overflows (CVE-2023-0854). Close it unless file sharing is needed,
#   and require signatures when it is.
# scope: package
# related_resources:
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# - https://www.synacktiv.com/en/publications/the-printer-goes-brrrrr-again.html
# custom:
#   id: MFP-SVC-005
#   severity: medium
#   guide_point: 3
#   guide_section: Restricting Communication with Firewalls
#   security_policy: Network
#   stig: [MFD03.002]
#   nist: [CM-7, SC-8]
#   remediation: >-
#     Settings/Registration > Function Settings > Store/Access Files > Advanced Box Settings:
#     set "Open to Public" / "Use SMB Server" to Off; if needed, apply the Security Policy
#     (Remote UI: Settings/Registration > Security Settings > Security Policy Settings >
#     Network > Communication Operational Policy > Always Verify Signatures for SMB/WebDAV
#     Server Functions).
#   vendors: [any]
#   facts: [/ports, /collectors/discovery]
package mfpscan.rules.svc.smb

import data.mfpscan.lib

# [port, protocol, service label] checked by this rule. deny spells each entry
# out as a body of its own (a constant message, a direct open_index lookup),
# which evaluates much cheaper than a loop over this list: keep both in step.
services := [[445, "tcp", "SMB"], [139, "tcp", "NetBIOS session (SMB)"]]

not_applicable contains reason if some reason in lib.mfp_not_applicable

deny contains {
	"msg": "SMB open on 445/tcp",
	"fact": sprintf("/ports/%d", [i]),
	"evidence": {"port": 445, "protocol": "tcp", "service": object.get(lib.ports[i], "service", ""), "state": "open"},
} if some i in lib.open_index.tcp[445]

deny contains {
	"msg": "NetBIOS session (SMB) open on 139/tcp",
	"fact": sprintf("/ports/%d", [i]),
	"evidence": {"port": 139, "protocol": "tcp", "service": object.get(lib.ports[i], "service", ""), "state": "open"},
} if some i in lib.open_index.tcp[139]

review contains reason if {
	some [port, proto, _] in services
	some reason in lib.port_review(port, proto)
}
