# METADATA
# title: Remote UI does not send HSTS
# description: >-
#   Without a Strict-Transport-Security header, a browser that once used HTTPS can still be
#   downgraded to HTTP by an on-path attacker.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# custom:
#   id: MFP-RUI-003
#   severity: low
#   guide_point: 4
#   guide_section: Securing the Communication Using Security Protocols
#   stig: [MFD02.003]
#   nist: [SC-8, SC-23]
#   remediation: >-
#     Enable "Use TLS" for the Remote UI (Remote UI: Settings/Registration > Device Management
#     > Remote UI Settings) and update the firmware to a version that sends HSTS; where the
#     device cannot, publish the Remote UI through a reverse proxy that adds it.
#   vendors: [any]
#   facts: [/remote_ui/hsts]
package mfpscan.rules.rui.no_hsts

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

not_applicable contains reason if some reason in lib.remote_ui_not_applicable

not_applicable contains "Remote UI has no TLS port" if {
	input.remote_ui.present == true
	count(object.get(input.remote_ui, "tls_ports", [])) == 0
	# A port that did not answer may be one of them.
	count(lib.remote_ui_unexamined) == 0
}

deny contains {
	"msg": sprintf("Remote UI on port(s) %v sends no Strict-Transport-Security header", [input.remote_ui.tls_ports]),
	"fact": "/remote_ui/hsts",
	"evidence": {"tls_ports": input.remote_ui.tls_ports, "hsts": false},
} if {
	input.remote_ui.hsts == false
}

review contains r if some r in lib.remote_ui_review

review contains "whether the Remote UI sends HSTS was not determined" if {
	input.remote_ui.present == true
	not is_boolean(object.get(input, ["remote_ui", "hsts"], null))
}
