# METADATA
# title: Weak TLS cipher suites are accepted
# description: >-
#   Every suite a TLS port accepts is enumerated. Suites in the organisation's weak classes
#   (weak_cipher_classes; by default NULL, anonymous, export, RC4, RC2, single DES, 3DES and
#   IDEA) let an attacker read or tamper with Remote UI and IPPS sessions; each one found is
#   named. The result's severity follows the weakest suite: critical for NULL, anonymous or
#   export suites, high for RC4, RC2 or DES, medium for 3DES or IDEA, low for CBC with SHA-1
#   or no forward secrecy when the organisation lists those classes. Canon's Security Policy
#   "Key/Certificate" group prohibits weak encryption.
# scope: package
# related_resources:
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# custom:
#   id: MFP-TLS-003
#   severity: medium
#   guide_point: 4
#   guide_section: Securing the Communication Using Security Protocols
#   security_policy: Key/Certificate
#   stig: [MFD02.003]
#   nist: [SC-8, SC-13]
#   remediation: >-
#     Apply the Security Policy (Remote UI: Settings/Registration > Security Settings >
#     Security Policy Settings > Key/Certificate > "Prohibit Use of Weak Encryption"), and in
#     Remote UI: Settings/Registration > Network Settings > TLS Settings allow only AES-GCM /
#     CHACHA20 suites.
#   vendors: [any]
#   facts: [/tls]
#   related_to: [MFP-TLS-001, MFP-TLS-004]
package mfpscan.rules.tls.weak_ciphers

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

not_applicable contains reason if some reason in lib.tls_not_applicable

default_classes := ["null", "anon", "export", "rc4", "rc2", "des", "3des", "idea"]

configured := lib.param("weak_cipher_classes", default_classes)

classes := {c | some c in configured} if is_array(configured) else := {c | some c in default_classes}

# The severity each weakness class gives a finding; a suite takes its worst.
class_severity := {
	"null": "critical", "anon": "critical", "export": "critical",
	"rc4": "high", "rc2": "high", "des": "high",
	"3des": "medium", "idea": "medium",
	"cbc_sha1": "low", "no_pfs": "low",
}

severity_rank := {"critical": 5, "high": 4, "medium": 3, "low": 2, "info": 1}

worst(hits) := sev if {
	top := max({severity_rank[object.get(class_severity, w, "low")] | some w in hits})
	some sev, r in severity_rank
	r == top
}

deny contains {
	"msg": sprintf("weak cipher %s (%s) accepted with %s on port %d", [c.name, concat(", ", hits), lib.tls_version_label[v], t.port]),
	"fact": sprintf("/tls/%d/ciphers/%s/%d", [i, v, j]),
	"severity": worst(hits),
	# A weak suite of a version that should be off goes with that version:
	# turning the version off removes the suite.
	"root_cause": sprintf("/tls/%d/versions/%s", [i, v]),
	"evidence": {"port": t.port, "version": v, "cipher": c.name, "id": object.get(c, "id", null), "weak": hits, "strength": object.get(c, "strength", "")},
} if {
	some i in lib.tls_tested
	t := lib.tls_services[i]
	some v, list in object.get(t, "ciphers", {})
	some j, c in list
	hits := [w | some w in object.get(c, "weak", []); classes[w]]
	count(hits) > 0
}

# An accepted version whose suites were not enumerated (or only in part)
# may hide a weak suite: review, never pass.
review contains sprintf("TLS port %d: %s is accepted but its cipher suites were not enumerated", [t.port, lib.tls_version_label[v]]) if {
	some i in lib.tls_tested
	t := lib.tls_services[i]
	some v, on in t.versions
	on == true
	count(object.get(t, ["ciphers", v], [])) == 0
}

review contains sprintf("TLS port %d: %s cipher suites unknown%s", [t.port, lib.tls_version_label[v], lib.tls_unknown_note(t, v)]) if {
	some i in lib.tls_tested
	t := lib.tls_services[i]
	some v, _ in lib.tls_version_order
	not is_boolean(object.get(t, ["versions", v], null))
}

review contains sprintf("TLS port %d: %s cipher suite list may be incomplete%s", [t.port, lib.tls_version_label[v], lib.tls_unknown_note(t, v)]) if {
	some i in lib.tls_tested
	t := lib.tls_services[i]
	some v, on in t.versions
	on == true
	object.get(t, ["unknown", v], "") != ""
}

review contains reason if some reason in lib.tls_review
