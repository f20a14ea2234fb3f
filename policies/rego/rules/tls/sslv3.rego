# METADATA
# title: SSL 3.0 is offered
# description: >-
#   SSL 3.0 is broken (POODLE, CVE-2014-3566) and prohibited by RFC 7568; a device that
#   still negotiates it exposes Remote UI credentials to any on-path attacker.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# custom:
#   id: MFP-TLS-002
#   severity: critical
#   guide_point: 4
#   guide_section: Securing the Communication Using Security Protocols
#   security_policy: Network
#   stig: [MFD02.003]
#   nist: [SC-8, SC-13]
#   remediation: >-
#     Remote UI: Settings/Registration > Network Settings > TLS Settings: set the minimum
#     version ("Allowed Versions") to TLS 1.2 and the maximum to TLS 1.3; disable SSL 3.0.
#   vendors: [any]
#   facts: [/tls]
#   related_to: [MFP-TLS-001]
package mfpscan.rules.tls.sslv3

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

not_applicable contains reason if some reason in lib.tls_not_applicable

deny contains {
	"msg": sprintf("SSL 3.0 accepted on port %d", [t.port]),
	"fact": sprintf("/tls/%d/versions/ssl3", [i]),
	"evidence": {"port": t.port, "version": "ssl3", "accepted": true},
} if {
	some i in lib.tls_tested
	t := lib.tls_services[i]
	t.versions.ssl3 == true
}

review contains sprintf("TLS port %d: SSL 3.0 support was not tested%s", [t.port, lib.tls_unknown_note(t, "ssl3")]) if {
	some i in lib.tls_tested
	t := lib.tls_services[i]
	not is_boolean(object.get(t, ["versions", "ssl3"], null))
}

review contains reason if some reason in lib.tls_review
