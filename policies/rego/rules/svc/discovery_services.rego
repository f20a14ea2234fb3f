# METADATA
# title: Discovery services (WSD, SLP, mDNS, BJNP) answer
# description: >-
#   WS-Discovery (3702/udp), SLP (427/udp), mDNS / Bonjour (5353/udp) and Canon BJNP
#   (8611-8612/udp) advertise the device and parse unauthenticated packets; several Canon
#   advisories (CVE-2022-24673 SLP, CVE-2023-6231 / CVE-2024-2184 WSD, CVE-2023-0853 mDNS,
#   CVE-2022-43608 BJNP) are reachable through them.
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
#     set mDNS Settings "Use mDNS" to Off where AirPrint / Bonjour is not used; disable BJNP
#     (Canon scanner/driver discovery) where not used.
#   vendors: [any]
#   facts: [/ports, /collectors/discovery]
package mfpscan.rules.svc.discovery_services

import data.mfpscan.lib

# [port, protocol, service label] checked by this rule. deny spells each entry
# out as a body of its own (a constant message, a direct open_index lookup),
# which evaluates much cheaper than a loop over this list: keep both in step.
services := [[3702, "udp", "WS-Discovery"], [427, "udp", "SLP"], [5353, "udp", "mDNS"], [8611, "udp", "BJNP (printer)"], [8612, "udp", "BJNP (scanner)"]]

not_applicable contains reason if some reason in lib.mfp_not_applicable

deny contains {
	"msg": "WS-Discovery open on 3702/udp",
	"fact": sprintf("/ports/%d", [i]),
	"evidence": {"port": 3702, "protocol": "udp", "service": object.get(lib.ports[i], "service", ""), "state": "open"},
} if some i in lib.open_index.udp[3702]

deny contains {
	"msg": "SLP open on 427/udp",
	"fact": sprintf("/ports/%d", [i]),
	"evidence": {"port": 427, "protocol": "udp", "service": object.get(lib.ports[i], "service", ""), "state": "open"},
} if some i in lib.open_index.udp[427]

deny contains {
	"msg": "mDNS open on 5353/udp",
	"fact": sprintf("/ports/%d", [i]),
	"evidence": {"port": 5353, "protocol": "udp", "service": object.get(lib.ports[i], "service", ""), "state": "open"},
} if some i in lib.open_index.udp[5353]

deny contains {
	"msg": "BJNP (printer) open on 8611/udp",
	"fact": sprintf("/ports/%d", [i]),
	"evidence": {"port": 8611, "protocol": "udp", "service": object.get(lib.ports[i], "service", ""), "state": "open"},
} if some i in lib.open_index.udp[8611]

deny contains {
	"msg": "BJNP (scanner) open on 8612/udp",
	"fact": sprintf("/ports/%d", [i]),
	"evidence": {"port": 8612, "protocol": "udp", "service": object.get(lib.ports[i], "service", ""), "state": "open"},
} if some i in lib.open_index.udp[8612]

review contains reason if {
	some [port, proto, _] in services
	some reason in lib.port_review(port, proto)
}
