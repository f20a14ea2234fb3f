# METADATA
# title: Legacy TLS versions are offered
# description: >-
#   The guide asks for TLS 1.2 or later. SSL 3.0, TLS 1.0 and TLS 1.1 are deprecated (RFC
#   8996) and allow downgrade and padding-oracle attacks on Remote UI and IPPS sessions.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# custom:
#   id: MFP-TLS-001
#   severity: high
#   guide_point: 4
#   guide_section: Securing the Communication Using Security Protocols
#   security_policy: Network
#   stig: [MFD02.003]
#   nist: [SC-8, SC-13]
#   remediation: >-
#     Remote UI: Settings/Registration > Network Settings > TLS Settings: set the minimum
#     version ("Allowed Versions") to TLS 1.2 and the maximum to TLS 1.3.
#   vendors: [any]
#   facts: [/tls]
package mfpscan.rules.tls.legacy_versions

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

not_applicable contains reason if some reason in lib.tls_not_applicable

deny contains {
	"msg": sprintf("%s accepted on port %d", [lib.tls_version_label[v], t.port]),
	"fact": sprintf("/tls/%d/versions/%s", [i, v]),
	"evidence": {"port": t.port, "version": v, "accepted": true, "probe": object.get(t, "evidence", "")},
} if {
	some i in lib.tls_tested
	t := lib.tls_services[i]
	some v in {"ssl3", "tls1_0", "tls1_1"}
	t.versions[v] == true
}

review contains reason if some reason in lib.tls_review

# A probe that failed leaves its version out of the port's map: unknown, not
# refused.
review contains sprintf("TLS port %d: %s support was not tested%s", [t.port, lib.tls_version_label[v], lib.tls_unknown_note(t, v)]) if {
	some i in lib.tls_tested
	t := lib.tls_services[i]
	some v in {"ssl3", "tls1_0", "tls1_1"}
	not is_boolean(object.get(t, ["versions", v], null))
}
