# METADATA
# title: Remote UI does not redirect HTTP to HTTPS
# description: >-
#   When the HTTP port of the Remote UI does not redirect to HTTPS, users who type the bare
#   address log in over cleartext.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# custom:
#   id: MFP-RUI-002
#   severity: medium
#   guide_point: 4
#   guide_section: Securing the Communication Using Security Protocols
#   security_policy: Network
#   stig: [MFD02.003]
#   nist: [SC-8]
#   remediation: >-
#     Remote UI: Settings/Registration > Device Management > Remote UI Settings: set "Use TLS"
#     to On, so HTTP requests are redirected to HTTPS; or close the HTTP port with the
#     Security Policy (Remote UI: Settings/Registration > Security Settings > Security Policy
#     Settings > Network > Port Usage Policy).
#   vendors: [any]
#   facts: [/remote_ui/redirects_to_https]
package mfpscan.rules.rui.no_https_redirect

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

not_applicable contains reason if some reason in lib.remote_ui_not_applicable

not_applicable contains "Remote UI has no plain HTTP port" if {
	input.remote_ui.present == true
	count(object.get(input.remote_ui, "http_ports", [])) == 0
	# A port that did not answer may be one of them.
	count(lib.remote_ui_unexamined) == 0
}

deny contains {
	"msg": sprintf("Remote UI HTTP port(s) %v do not redirect to HTTPS", [input.remote_ui.http_ports]),
	"fact": "/remote_ui/redirects_to_https",
	"evidence": {"http_ports": input.remote_ui.http_ports, "redirects_to_https": false},
} if {
	input.remote_ui.redirects_to_https == false
}

review contains r if some r in lib.remote_ui_review

review contains "whether the Remote UI redirects to HTTPS was not determined" if {
	input.remote_ui.present == true
	not is_boolean(object.get(input, ["remote_ui", "redirects_to_https"], null))
}
