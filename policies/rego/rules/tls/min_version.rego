# METADATA
# title: TLS versions below the organisation minimum are offered
# description: >-
#   The organisation sets the oldest acceptable TLS version in
#   data.mfpscan.config.min_tls_version (default TLS 1.2, as the guide asks). Any accepted
#   version older than it fails this rule.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# custom:
#   id: MFP-TLS-004
#   severity: medium
#   guide_point: 4
#   guide_section: Securing the Communication Using Security Protocols
#   security_policy: Network
#   stig: [MFD02.003]
#   nist: [SC-8, SC-13]
#   remediation: >-
#     Remote UI: Settings/Registration > Network Settings > TLS Settings: set the minimum
#     version ("Allowed Versions") to TLS 1.2 and the maximum to TLS 1.3 (or the
#     organisation's min_tls_version).
#   vendors: [any]
#   facts: [/tls]
#   related_to: [MFP-TLS-001]
package mfpscan.rules.tls.min_version

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

not_applicable contains reason if some reason in lib.tls_not_applicable

deny contains {
	"msg": sprintf("%s accepted on port %d; organisation minimum is %s", [lib.tls_version_label[v], t.port, lib.tls_version_label[lib.min_tls_version]]),
	"fact": sprintf("/tls/%d/versions/%s", [i, v]),
	"evidence": {"port": t.port, "version": v, "min_tls_version": lib.min_tls_version},
} if {
	some i in lib.tls_tested
	t := lib.tls_services[i]
	min_order := lib.tls_version_order[lib.min_tls_version]
	some v, accepted in t.versions
	accepted == true
	lib.tls_version_order[v] < min_order
}

review contains reason if some reason in lib.tls_review

# A probe that failed leaves its version out of the port's map: unknown, not
# refused.
review contains sprintf("TLS port %d: %s support was not tested%s", [t.port, lib.tls_version_label[v], lib.tls_unknown_note(t, v)]) if {
	some i in lib.tls_tested
	t := lib.tls_services[i]
	min_order := lib.tls_version_order[lib.min_tls_version]
	some v, order in lib.tls_version_order
	order < min_order
	not is_boolean(object.get(t, ["versions", v], null))
}
