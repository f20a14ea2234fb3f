# METADATA
# title: Remote UI is served over cleartext HTTP
# description: >-
#   The Remote UI answers with content over plain HTTP instead of redirecting to HTTPS, so
#   System Manager PINs, passwords and session cookies cross the network in clear text.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# custom:
#   id: MFP-RUI-001
#   severity: high
#   guide_point: 4
#   guide_section: Securing the Communication Using Security Protocols
#   stig: [MFD02.003]
#   nist: [SC-8, IA-5]
#   remediation: >-
#     Remote UI: Settings/Registration > Network Settings > TLS Settings: select a key and
#     certificate, then Settings/Registration > Device Management > Remote UI Settings: set
#     "Use TLS" to On (control panel: Preferences > Network > TCP/IP Settings > Remote UI
#     Settings > Use TLS).
#   vendors: [any]
#   facts: [/remote_ui/cleartext_reachable]
package mfpscan.rules.rui.cleartext_http

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

not_applicable contains reason if some reason in lib.remote_ui_not_applicable

deny contains {
	"msg": sprintf("Remote UI answers over cleartext HTTP on port(s) %v", [object.get(input.remote_ui, "http_ports", [])]),
	"fact": "/remote_ui/cleartext_reachable",
	"evidence": {"http_ports": object.get(input.remote_ui, "http_ports", []), "cleartext_reachable": true},
} if {
	input.remote_ui.cleartext_reachable == true
}

review contains r if some r in lib.remote_ui_review

review contains "Remote UI found but whether it answers over plain HTTP was not determined" if {
	input.remote_ui.present == true
	not is_boolean(object.get(input, ["remote_ui", "cleartext_reachable"], null))
}
