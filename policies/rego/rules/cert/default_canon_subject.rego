# METADATA
# title: TLS certificate is the factory default Canon certificate
# description: >-
#   The factory certificate ("Canon iR-ADV ...", "Canon Imaging Product") is self-generated
#   on the device and names no host the organisation controls, so clients cannot verify it.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# custom:
#   id: MFP-CERT-006
#   severity: low
#   guide_point: 4
#   guide_section: Securing the Communication Using Security Protocols
#   stig: [MFD02.003]
#   nist: [SC-17]
#   remediation: >-
#     Remote UI: Settings/Registration > Device Management > Key and Certificate Settings:
#     generate or install a key of RSA 2048+ / ECDSA P-256+ signed with SHA-256 by the
#     organisation's CA, then select it in Network Settings > TLS Settings > Key and
#     Certificate.
#   vendors: [canon]
#   facts: [/tls]
#   related_to: [MFP-CERT-001]
package mfpscan.rules.cert.default_canon_subject

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.canon_not_applicable

not_applicable contains reason if some reason in lib.tls_not_applicable

deny contains {
	"msg": sprintf("factory Canon certificate on port %d (subject %s)", [t.port, lib.cert_text(cert, "subject")]),
	"fact": sprintf("/tls/%d/certificate/default_canon_subject", [i]),
	# One certificate, one cause: the factory certificate is self-signed.
	"root_cause": sprintf("/tls/%d/certificate", [i]),
	"evidence": {"port": t.port, "subject": lib.cert_text(cert, "subject"), "issuer": lib.cert_text(cert, "issuer"), "sha256": object.get(cert, "sha256", ""), "default_canon_subject": cert.default_canon_subject},
} if {
	some i in lib.tls_tested
	t := lib.tls_services[i]
	cert := t.certificate
	cert.default_canon_subject == true
}

review contains reason if some reason in lib.tls_review_certs

review contains reason if some reason in lib.cert_bool_review("default_canon_subject", "whether the certificate has Canon's factory subject")
