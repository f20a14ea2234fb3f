# METADATA
# title: TLS certificate has expired
# description: >-
#   An expired certificate breaks verification and trains users to ignore warnings.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# custom:
#   id: MFP-CERT-002
#   severity: medium
#   guide_point: 4
#   guide_section: Securing the Communication Using Security Protocols
#   stig: [MFD02.003]
#   nist: [SC-17]
#   remediation: >-
#     Remote UI: Settings/Registration > Device Management > Key and Certificate Settings:
#     generate or install a key of RSA 2048+ / ECDSA P-256+ signed with SHA-256 by the
#     organisation's CA, then select it in Network Settings > TLS Settings > Key and
#     Certificate.
#   vendors: [any]
#   facts: [/tls]
package mfpscan.rules.cert.expired

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

not_applicable contains reason if some reason in lib.tls_not_applicable

deny contains {
	"msg": sprintf("certificate on port %d expired on %s", [t.port, not_after]),
	"fact": sprintf("/tls/%d/certificate/expired", [i]),
	"evidence": {"port": t.port, "subject": lib.cert_text(cert, "subject"), "issuer": lib.cert_text(cert, "issuer"), "sha256": object.get(cert, "sha256", ""), "expired": cert.expired},
} if {
	some i in lib.tls_tested
	t := lib.tls_services[i]
	cert := t.certificate
	cert.expired == true
	not_after := object.get(cert, "not_after", "an unrecorded date")
}

review contains reason if some reason in lib.tls_review_certs

review contains reason if some reason in lib.cert_bool_review("expired", "whether the certificate has expired")
