# METADATA
# title: Discovery services (WSD, SLP, BJNP) answer
# description: >-
#   WS-Discovery (3702/udp), SLP (427/udp) and Canon BJNP (8611-8612/udp) advertise the device
#   and parse unauthenticated packets; several Canon advisories (CVE-2022-24673 SLP,
#   CVE-2023-6231 / CVE-2024-2184 WSD, CVE-2022-43608 BJNP) are reachable through them.
#   Disable the ones not used.
# scope: package
# related_resources:
# - https://psirt.canon/advisory-information/cp2024-002
# - https://psirt.canon/advisory-information/cp2024-001/
# custom:
#   id: MFP-SVC-007
#   severity: low
#   guide_point: 3
#   guide_section: Restricting Communication with Firewalls
#   stig: [MFD03.001, MFD03.002]
#   nist: [CM-7]
#   remediation: >-
#     Settings/Registration > Preferences > Network > TCP/IP Settings: set WSD Settings > "Use
#     Multicast Discovery" to Off, SLP / Multicast Discovery Settings > "Response" to Off;
#     disable BJNP (Canon scanner/driver discovery) where not used.
#   vendors: [any]
#   facts: [/ports, /collectors/discovery]
package mfpscan.rules.svc.discovery_services

import data.mfpscan.lib

# [port, protocol, service label] checked by this rule.
services := [[3702, "udp", "WS-Discovery"], [427, "udp", "SLP"], [8611, "udp", "BJNP (printer)"], [8612, "udp", "BJNP (scanner)"]]

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
