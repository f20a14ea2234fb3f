# METADATA
# title: Weak TLS cipher suites are accepted
# description: >-
#   Cipher suites flagged weak by the TLS collector (NULL, EXPORT, RC4, 3DES, CBC with
#   SHA-1, no forward secrecy) let an attacker decrypt or tamper with recorded sessions.
#   Canon's Security Policy "Key/Certificate" group prohibits weak encryption.
# scope: package
# related_resources:
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# custom:
#   id: MFP-TLS-003
#   severity: medium
#   guide_point: 4
#   guide_section: Securing the Communication Using Security Protocols
#   stig: [MFD02.003]
#   nist: [SC-8, SC-13]
#   remediation: >-
#     Apply Security Policy > Key/Certificate > "Prohibit Use of Weak Encryption"
#     (Settings/Registration > Management Settings > Security Policy), and in Remote UI:
#     Settings/Registration > Network Settings > TLS Settings allow only AES-GCM / CHACHA20
#     suites.
#   vendors: [any]
#   facts: [/tls]
package mfpscan.rules.tls.weak_ciphers

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

not_applicable contains reason if some reason in lib.tls_not_applicable

deny contains {
	"msg": sprintf("weak cipher %s (%s) accepted with %s on port %d", [c.name, concat(", ", c.weak), lib.tls_version_label[v], t.port]),
	"fact": sprintf("/tls/%d/ciphers/%s/%d", [i, v, j]),
	"evidence": {"port": t.port, "version": v, "cipher": c.name, "weak": c.weak},
} if {
	some i in lib.tls_tested
	t := lib.tls_services[i]
	some v, list in object.get(t, "ciphers", {})
	some j, c in list
	count(object.get(c, "weak", [])) > 0
}

review contains sprintf("TLS port %d: cipher suites were not enumerated", [t.port]) if {
	some i in lib.tls_tested
	t := lib.tls_services[i]
	count(object.get(t, "ciphers", {})) == 0
}

review contains reason if some reason in lib.tls_review
