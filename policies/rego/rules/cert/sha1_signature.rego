# METADATA
# title: TLS certificate is signed with SHA-1 or MD5
# description: >-
#   Certificates signed with SHA-1 or MD5 can be forged by chosen-prefix collisions and are
#   rejected by current browsers.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# custom:
#   id: MFP-CERT-004
#   severity: medium
#   guide_point: 4
#   guide_section: Securing the Communication Using Security Protocols
#   security_policy: Key/Certificate
#   stig: [MFD02.003]
#   nist: [SC-13]
#   remediation: >-
#     Remote UI: Settings/Registration > Device Management > Key and Certificate Settings:
#     generate or install a key of RSA 2048+ / ECDSA P-256+ signed with SHA-256 by the
#     organisation's CA, then select it in Network Settings > TLS Settings > Key and
#     Certificate.
#   vendors: [any]
#   facts: [/tls]
package mfpscan.rules.cert.sha1_signature

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

not_applicable contains reason if some reason in lib.tls_not_applicable

deny contains {
	"msg": sprintf("certificate on port %d signed with %s", [t.port, cert.signature_algorithm]),
	"fact": sprintf("/tls/%d/certificate/signature_algorithm", [i]),
	"evidence": {"port": t.port, "subject": lib.cert_text(cert, "subject"), "issuer": lib.cert_text(cert, "issuer"), "sha256": object.get(cert, "sha256", ""), "signature_algorithm": cert.signature_algorithm},
} if {
	some i in lib.tls_tested
	t := lib.tls_services[i]
	cert := t.certificate
	weak_signature(cert)
}

weak_signature(cert) if contains(upper(cert.signature_algorithm), "SHA1")

weak_signature(cert) if contains(upper(cert.signature_algorithm), "MD5")

review contains reason if some reason in lib.tls_review_certs

# An empty or unknown algorithm says nothing about SHA-1: review, not pass.
review contains sprintf("TLS port %d: certificate signature algorithm not recorded", [t.port]) if {
	some i in lib.tls_tested
	t := lib.tls_services[i]
	cert := t.certificate
	not known_algorithm(cert)
}

known_algorithm(cert) if {
	alg := object.get(cert, "signature_algorithm", "")
	is_string(alg)
	not alg in {"", "0", "unknown"}
}
