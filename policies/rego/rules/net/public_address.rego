# METADATA
# title: MFP has a global (Internet-routable) address
# description: >-
#   An MFP reachable on a global IPv4 or IPv6 address can be reached by anonymous
#   users on the Internet unless a firewall blocks it. The guide asks for a
#   private address (10/8, 172.16/12, 192.168/16). The rule checks the address
#   scanned and every address the device reports for its interfaces.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# - https://psirt.canon/advisory-information/cp2024-002
# custom:
#   id: MFP-NET-001
#   severity: high
#   guide_point: 2
#   guide_section: Using Private IP Addresses
#   stig: [MFD01.003]
#   nist: [SC-7]
#   remediation: >-
#     Control panel: Settings/Registration > Preferences > Network > TCP/IP Settings >
#     IPv4 Settings (and IPv6 Settings): assign a private address (10.0.0.0/8,
#     172.16.0.0/12, 192.168.0.0/16) or an IPv6 ULA, and put the device behind a firewall.
#   vendors: [any]
#   facts: [/ip_class, /interfaces]
package mfpscan.rules.net.public_address

import data.mfpscan.lib

not_applicable contains r if some r in lib.mfp_not_applicable

deny contains {
	"msg": sprintf("%s is reachable on global address %s (%s)", [lib.device_label, lib.address, input.ip_class]),
	"fact": "/ip_class",
	"evidence": {"address": lib.address, "ip_class": input.ip_class},
} if {
	input.ip_class in {"public", "ipv6_global"}
}

deny contains {
	"msg": sprintf("%s reports global interface address %s (%s, from %s)", [lib.device_label, iface.address, iface.ip_class, object.get(iface, "source", "")]),
	"fact": sprintf("/interfaces/%d/ip_class", [i]),
	"evidence": {"address": iface.address, "ip_class": iface.ip_class, "source": object.get(iface, "source", "")},
} if {
	some i
	iface := input.interfaces[i]
	iface.ip_class in {"public", "ipv6_global"}
	iface.address != lib.address
}

review contains "address class unknown: ip_class not recorded" if lib.str(["ip_class"]) == ""
