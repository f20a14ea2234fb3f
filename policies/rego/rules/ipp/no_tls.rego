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

# No IPP service: the sweep shows 631/tcp not open and no IPP port was
# examined on another port.
not_applicable contains "no IPP service found (631/tcp not open)" if {
	lib.ports_known
	not lib.open_tcp(631)
	count(lib.port_review(631, "tcp")) == 0
	count(ipp) == 0
}

ipp := lib.arr(["ipp"])

deny contains {
	"msg": sprintf("IPP without TLS answers on port %d", [s.port]),
	"fact": sprintf("/ipp/%d/tls", [i]),
	"evidence": {"port": s.port, "tls": false, "uri_security_supported": object.get(s, "uri_security_supported", [])},
} if {
	some i, s in ipp
	s.status == "ok"
	s.tls == false
}

# Ports (as scanned) of the IPP services whose TLS was determined.
examined := {s.port |
	some s in ipp
	s.status == "ok"
	is_boolean(s.tls)
	is_number(s.port)
}

review contains sprintf("IPP port %d/tcp is open but whether it uses TLS was not determined (%s)", [p.port, lib.missing_reason("ipp")]) if {
	some i in lib.open_port_index(631, "tcp")
	p := lib.ports[i]
	not p.port in examined
}

review contains sprintf("IPP on port %v not examined: %s", [object.get(s, "port", "?"), object.get(s, "status", "status unknown")]) if {
	some s in ipp
	not s.status == "ok"
}

review contains sprintf("IPP on port %v: whether it uses TLS is unknown", [object.get(s, "port", "?")]) if {
	some s in ipp
	s.status == "ok"
	not is_boolean(object.get(s, "tls", null))
}

review contains sprintf("IPP on an unknown port answered: %s", [object.get(s, "status", "status unknown")]) if {
	some s in ipp
	not is_number(object.get(s, "port", null))
}

# Without a finished port sweep another port may carry IPP unexamined.
review contains r if some r in lib.port_review(631, "tcp")
