# METADATA
# title: IPP accepts print jobs without TLS
# description: >-
#   IPP on 631/tcp without TLS carries print data and any credentials in clear text; IPPS
#   (IPP over TLS) protects them. The IPP parser is also a known attack surface
#   (CVE-2023-0856).
# scope: package
# related_resources:
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# - https://www.synacktiv.com/en/publications/the-printer-goes-brrrrr-again.html
# custom:
#   id: MFP-IPP-001
#   severity: medium
#   guide_point: 4
#   guide_section: Securing the Communication Using Security Protocols
#   stig: [MFD03.001]
#   nist: [SC-8]
#   remediation: >-
#     Settings/Registration > Preferences > Network > TCP/IP Settings > IPP Print Settings:
#     set "Use TLS" to On (IPPS) and "Use Authentication" to On, or turn IPP printing Off.
#   vendors: [any]
#   facts: [/ipp, /ports]
package mfpscan.rules.ipp.no_tls

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

deny contains {
	"msg": sprintf("IPP without TLS answers on port %d", [s.port]),
	"fact": sprintf("/ipp/%d/tls", [i]),
	"evidence": {"port": s.port, "tls": false, "uri_security_supported": object.get(s, "uri_security_supported", [])},
} if {
	some i, s in object.get(input, "ipp", [])
	s.status == "ok"
	s.tls == false
}

deny contains {
	"msg": "IPP port 631/tcp is open (TLS not examined)",
	"fact": sprintf("/ports/%d", [i]),
	"evidence": {"port": 631},
} if {
	input.collectors.ipp.status == "ok"
	count(object.get(input, "ipp", [])) == 0
	some i in lib.open_port_index(631, "tcp")
}

review contains sprintf("IPP not examined: %s", [lib.missing_reason("ipp")]) if {
	lib.open_tcp(631)
	not input.collectors.ipp.status == "ok"
}

review contains r if {
	not lib.port_review_none
	some r in lib.port_review(631, "tcp")
}
