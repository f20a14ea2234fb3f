# METADATA
# title: WebDAV file server is open
# description: >-
#   The Advanced Box can be published as a WebDAV server; over plain HTTP, WebDAV carries
#   files and credentials in clear text. Close it unless needed, and require TLS and
#   signatures when it is.
# scope: package
# related_resources:
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# custom:
#   id: MFP-SVC-006
#   severity: medium
#   guide_point: 3
#   guide_section: Restricting Communication with Firewalls
#   security_policy: Network
#   stig: [MFD03.002]
#   nist: [CM-7, SC-8]
#   remediation: >-
#     Settings/Registration > Function Settings > Store/Access Files > Advanced Box Settings:
#     set "Use WebDAV Server" to Off (or enable "Use TLS" and apply the Security Policy:
#     Remote UI: Settings/Registration > Security Settings > Security Policy Settings >
#     Network > Communication Operational Policy > Always Verify Signatures for SMB/WebDAV
#     Server Functions).
#   vendors: [any]
#   facts: [/http, /cleartext, /ports]
package mfpscan.rules.svc.webdav

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

deny contains {
	"msg": sprintf("WebDAV server open in clear text on port %d", [s.port]),
	"fact": sprintf("/cleartext/%d", [i]),
	"evidence": {"service": s.service, "port": s.port},
} if {
	some i, s in object.get(input, "cleartext", [])
	lower(s.service) == "webdav"
}

deny contains {
	"msg": sprintf("WebDAV server open on %d/tcp", [p.port]),
	"fact": sprintf("/ports/%d", [i]),
	"evidence": {"port": p.port, "service": p.service},
} if {
	some i, p in lib.ports
	p.state == "open"
	contains(lower(object.get(p, "service", "")), "webdav")
}

deny contains {
	"msg": sprintf("WebDAV server answers on port %d (DAV: %s)", [s.port, object.get(s, "dav", "")]),
	"fact": sprintf("/http/%d/webdav", [i]),
	"evidence": {"port": s.port, "dav": object.get(s, "dav", "")},
} if {
	some i, s in lib.arr(["http"])
	s.webdav == true
}

review contains sprintf("WebDAV not examined: %s", [lib.missing_reason("http")]) if not input.collectors.http.status == "ok"

# WebDAV is known to be off on a port only when OPTIONS answered there
# without a DAV header.
review contains sprintf("WebDAV on port %v not determined (OPTIONS probe failed or not sent)", [object.get(s, "port", "?")]) if {
	some s in lib.arr(["http"])
	not is_boolean(object.get(s, "webdav", null))
}

review contains "HTTP collector ran but its per-port records are missing" if {
	input.collectors.http.status == "ok"
	not is_array(lib.fact(["http"]))
}

review contains r if some r in lib.ports_unknown_review
