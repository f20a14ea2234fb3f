# METADATA
# title: Canon dedicated management ports are open
# description: >-
#   Canon's proprietary device-management ports (47545/udp, 47546/tcp, 9007/tcp; "Dedicated
#   Port Settings") let drivers and utilities read and change settings. Canon lists them as
#   "device communication, proprietary to Canon"; leave them on only where iW EMC / drivers
#   need them, with authentication Mode 2. 47545/udp is never probed: Canon publishes nothing
#   of the protocol and no public tool speaks it, so there is no request known to be read-only
#   to send; unless another source shows it open, the rule gives review for it and says so.
# scope: package
# related_resources:
# - https://www.manualshelf.com/manual/canon/imageware-remote/1-user-manual-english/page-16.html
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# custom:
#   id: MFP-SVC-008
#   severity: medium
#   guide_point: 3
#   guide_section: Restricting Communication with Firewalls
#   security_policy: Network
#   stig: [MFD02.003]
#   nist: [CM-7, AC-17]
#   remediation: >-
#     Settings/Registration > Preferences > Network > TCP/IP Settings > Dedicated Port
#     Settings: Off (or set "Dedicated Port Authentication Method" to Mode 2, which the
#     Security Policy item Remote UI: Settings/Registration > Security Settings > Security
#     Policy Settings > Network > Communication Operational Policy > Prohibit Cleartext
#     Authentication for Server Functions enforces).
#   vendors: [canon]
#   facts: [/ports, /collectors/discovery]
package mfpscan.rules.svc.canon_dedicated_ports

import data.mfpscan.lib

# [port, protocol, service label] checked by this rule. deny spells each entry
# out as a body of its own (a constant message, a direct open_index lookup),
# which evaluates much cheaper than a loop over this list: keep both in step.
services := [[47546, "tcp", "Canon dedicated port"], [9007, "tcp", "Canon dedicated port"], [47545, "udp", "Canon dedicated port"]]

not_applicable contains reason if some reason in lib.canon_not_applicable

deny contains {
	"msg": "Canon dedicated port open on 47546/tcp",
	"fact": sprintf("/ports/%d", [i]),
	"evidence": {"port": 47546, "protocol": "tcp", "service": object.get(lib.ports[i], "service", ""), "state": "open"},
} if some i in lib.open_index.tcp[47546]

deny contains {
	"msg": "Canon dedicated port open on 9007/tcp",
	"fact": sprintf("/ports/%d", [i]),
	"evidence": {"port": 9007, "protocol": "tcp", "service": object.get(lib.ports[i], "service", ""), "state": "open"},
} if some i in lib.open_index.tcp[9007]

deny contains {
	"msg": "Canon dedicated port open on 47545/udp",
	"fact": sprintf("/ports/%d", [i]),
	"evidence": {"port": 47545, "protocol": "udp", "service": object.get(lib.ports[i], "service", ""), "state": "open"},
} if some i in lib.open_index.udp[47545]

review contains reason if {
	some [port, proto, _] in services
	proto == "tcp"
	some reason in lib.port_review(port, proto)
}

# No public, read-only request exists for Canon's dedicated-port protocol, so
# the sweep sends none: 47545/udp stays unknown unless another source (an
# nmap UDP scan, a shipped facts file) recorded it.
review contains "47545/udp not probed: no public description of Canon's dedicated-port protocol gives a read-only request to send; check Settings/Registration > Preferences > Network > TCP/IP Settings > Dedicated Port Settings on the device" if {
	count(lib.port_review(47545, "udp")) > 0
}
