# METADATA
# title: TLS certificate is self-signed
# description: >-
#   A self-signed certificate cannot be verified by browsers, so users learn to click
#   through warnings and an attacker can impersonate the Remote UI. Install a certificate
#   issued by the organisation's CA.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# custom:
#   id: MFP-CERT-001
#   severity: medium
#   guide_point: 4
#   guide_section: Securing the Communication Using Security Protocols
#   stig: [MFD02.003]
#   nist: [SC-17, SC-23]
#   remediation: >-
#     Remote UI: Settings/Registration > Device Management > Key and Certificate Settings:
#     generate or install a key of RSA 2048+ / ECDSA P-256+ signed with SHA-256 by the
#     organisation's CA, then select it in Network Settings > TLS Settings > Key and
#     Certificate.
#   vendors: [any]
#   facts: [/tls]
package mfpscan.rules.cert.self_signed

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

not_applicable contains reason if some reason in lib.tls_not_applicable

deny contains {
	"msg": sprintf("self-signed certificate on port %d (subject %s)", [t.port, lib.cert_text(cert, "subject")]),
	"fact": sprintf("/tls/%d/certificate/self_signed", [i]),
	# One certificate, one cause: the factory certificate is self-signed.
	"root_cause": sprintf("/tls/%d/certificate", [i]),
	"evidence": {"port": t.port, "subject": lib.cert_text(cert, "subject"), "issuer": lib.cert_text(cert, "issuer"), "sha256": object.get(cert, "sha256", ""), "self_signed": cert.self_signed},
} if {
	some i in lib.tls_tested
	t := lib.tls_services[i]
	cert := t.certificate
	cert.self_signed == true
}

review contains reason if some reason in lib.tls_review_certs

review contains reason if some reason in lib.cert_bool_review("self_signed", "whether the certificate is self-signed")
