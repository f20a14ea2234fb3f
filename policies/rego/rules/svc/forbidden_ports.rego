# METADATA
# title: Ports forbidden by the organisation are open
# description: >-
#   The organisation lists ports that must never be open on an MFP in
#   data.mfpscan.config.forbidden_ports (entries are a port number, meaning TCP, or {port,
#   protocol, reason}).
# scope: package
# related_resources:
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# custom:
#   id: MFP-SVC-010
#   severity: high
#   guide_point: 3
#   guide_section: Restricting Communication with Firewalls
#   security_policy: Network
#   stig: [MFD03.002]
#   nist: [CM-7]
#   remediation: >-
#     Close the port in the device settings (Settings/Registration > Preferences > Network >
#     TCP/IP Settings) or with the Security Policy (Remote UI: Settings/Registration >
#     Security Settings > Security Policy Settings > Network > Port Usage Policy), and block
#     it at the firewall.
#   vendors: [any]
#   facts: [/ports]
#   related_to: [MFP-SVC-001, MFP-SVC-002, MFP-SVC-003, MFP-SVC-004, MFP-SVC-005, MFP-SVC-006, MFP-SVC-007, MFP-SVC-008, MFP-SVC-009]
package mfpscan.rules.svc.forbidden_ports

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

forbidden contains [p, "tcp", ""] if {
	some p in lib.param("forbidden_ports", [])
	is_number(p)
}

forbidden contains [e.port, object.get(e, "protocol", "tcp"), object.get(e, "reason", "")] if {
	some e in lib.param("forbidden_ports", [])
	is_object(e)
}

# deny reads the configured entries directly rather than through forbidden:
# most devices have none of those ports open, and then no tuple is built.
deny contains {
	"msg": sprintf("forbidden port %d/tcp is open", [port]),
	"fact": sprintf("/ports/%d", [i]),
	"evidence": {"port": port, "protocol": "tcp", "reason": ""},
} if {
	some port in lib.param("forbidden_ports", [])
	is_number(port)
	some i in lib.open_index.tcp[port]
}

deny contains {
	"msg": sprintf("forbidden port %d/%s is open%s", [e.port, proto, note(reason)]),
	"fact": sprintf("/ports/%d", [i]),
	"evidence": {"port": e.port, "protocol": proto, "reason": reason},
} if {
	some e in lib.param("forbidden_ports", [])
	is_object(e)
	proto := object.get(e, "protocol", "tcp")
	some i in lib.open_index[proto][e.port]
	reason := object.get(e, "reason", "")
}

note(reason) := sprintf(" (%s)", [reason]) if reason != "" else := ""

review contains reason if {
	some [port, proto, _] in forbidden
	some reason in lib.port_review(port, proto)
}
