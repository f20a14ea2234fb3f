# METADATA
# title: Open TCP ports outside the organisation allow-list
# description: >-
#   When data.mfpscan.config.allowed_ports is non-empty, every open TCP port not in it is
#   reported (Canon Security Policy "Port Usage Policy": close unused ports).
# scope: package
# related_resources:
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# custom:
#   id: MFP-SVC-011
#   severity: medium
#   guide_point: 3
#   guide_section: Restricting Communication with Firewalls
#   security_policy: Network
#   stig: [MFD03.002]
#   nist: [CM-7]
#   remediation: >-
#     Close the port in Settings/Registration > Preferences > Network > TCP/IP Settings or
#     with the Security Policy (Remote UI: Settings/Registration > Security Settings >
#     Security Policy Settings > Network > Port Usage Policy); or add it to allowed_ports if
#     it is needed.
#   vendors: [any]
#   facts: [/ports]
#   related_to: [MFP-SVC-001, MFP-SVC-002, MFP-SVC-003, MFP-SVC-004, MFP-SVC-005, MFP-SVC-006, MFP-SVC-007, MFP-SVC-008, MFP-SVC-009, MFP-SVC-010]
package mfpscan.rules.svc.outside_allowlist

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

allowed := {p | some p in lib.param("allowed_ports", [])}

not_applicable contains "no allowed_ports configured" if count(allowed) == 0

deny contains {
	"msg": sprintf("port %d/tcp%s is open and not in the allowed port list", [p.port, svc(p)]),
	"fact": sprintf("/ports/%d", [i]),
	"evidence": {"port": p.port, "protocol": "tcp", "service": object.get(p, "service", ""), "allowed_ports": sort(allowed)},
} if {
	some i, p in lib.ports
	p.protocol == "tcp"
	p.state == "open"
	not lib.well_known(p) in allowed
}

svc(p) := sprintf(" (%s)", [p.service]) if object.get(p, "service", "") != "" else := ""

review contains sprintf("open ports unknown: %s", [lib.missing_reason("discovery")]) if not lib.ports_known
