# METADATA
# title: TLS certificate key is too short
# description: >-
#   RSA keys below 2048 bits and elliptic-curve keys below 256 bits no longer give adequate
#   protection (NIST SP 800-131A).
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# custom:
#   id: MFP-CERT-003
#   severity: high
#   guide_point: 4
#   guide_section: Securing the Communication Using Security Protocols
#   security_policy: Key/Certificate
#   stig: [MFD02.003]
#   nist: [SC-12, SC-13]
#   remediation: >-
#     Remote UI: Settings/Registration > Device Management > Key and Certificate Settings:
#     generate or install a key of RSA 2048+ / ECDSA P-256+ signed with SHA-256 by the
#     organisation's CA, then select it in Network Settings > TLS Settings > Key and
#     Certificate.
#   vendors: [any]
#   facts: [/tls]
package mfpscan.rules.cert.weak_key

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

not_applicable contains reason if some reason in lib.tls_not_applicable

deny contains {
	"msg": sprintf("%s %d-bit key on port %d", [cert.key_type, cert.key_bits, t.port]),
	"fact": sprintf("/tls/%d/certificate/key_bits", [i]),
	"evidence": {"port": t.port, "subject": lib.cert_text(cert, "subject"), "issuer": lib.cert_text(cert, "issuer"), "sha256": object.get(cert, "sha256", ""), "key_bits": cert.key_bits},
} if {
	some i in lib.tls_tested
	t := lib.tls_services[i]
	cert := t.certificate
	weak_key(cert)
}

weak_key(cert) if {
	cert.key_type == "RSA"
	cert.key_bits < 2048
}

weak_key(cert) if {
	cert.key_type == "ECDSA"
	cert.key_bits < 256
}

review contains reason if some reason in lib.tls_review_certs

# A key whose type or size was not recorded cannot be judged: review.
review contains sprintf("TLS port %d: certificate key type or size not recorded", [t.port]) if {
	some i in lib.tls_tested
	t := lib.tls_services[i]
	cert := t.certificate
	not key_known(cert)
}

key_known(cert) if {
	key_type := object.get(cert, "key_type", null)
	is_string(key_type)
	key_type != ""
	key_bits := object.get(cert, "key_bits", null)
	is_number(key_bits)
	key_bits > 0
}
