# METADATA
# title: Remote UI pages are readable without authentication
# description: >-
#   Well-known Remote UI pages (address book export, job logs, counters, settings) answered
#   with content to a request without a session. DISA MFD08.002: non-administrators must not
#   reach configuration.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# custom:
#   id: MFP-RUI-006
#   severity: high
#   guide_point: 6
#   guide_section: Limiting Usage of the Remote UI
#   security_policy: Authentication
#   stig: [MFD08.002]
#   nist: [AC-3, AC-14]
#   remediation: >-
#     Remote UI: Settings/Registration > User Management > Authentication Management: enable
#     user authentication for the Remote UI (control panel: Settings/Registration > Management
#     Settings > Security Settings > Authentication/Password Settings), and set a System
#     Manager ID and PIN under Settings/Registration > User Management > System
#     Manager/Contact Person Information Settings. Restrict general-user access:
#     Settings/Registration > Device Management > Remote UI Settings > "Restrict Access" /
#     Remote UI Access PIN.
#   vendors: [any]
#   facts: [/remote_ui/open_pages]
package mfpscan.rules.rui.open_pages

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

not_applicable contains reason if some reason in lib.remote_ui_not_applicable

deny contains {
	"msg": sprintf("Remote UI page %s is readable without logging in", [page]),
	"fact": sprintf("/remote_ui/open_pages/%d", [i]),
	"evidence": {"path": page},
} if {
	some i, page in lib.arr(["remote_ui", "open_pages"])
}

review contains r if some r in lib.remote_ui_review

# Every Remote UI port must have answered every page: a page not asked or
# not answered on one port may be open there.
page_probes := {"GET /rps/nativetop.cgi", "GET /sysmonitor/", "GET /portal_top.html", "GET /d_counter.html"}

review contains r if {
	input.remote_ui.present == true
	some r in lib.probe_review("http", page_probes, {p | some p in lib.arr(["remote_ui", "ports"])})
}

review contains "Remote UI found but its well-known pages were not all requested (open_pages unknown)" if {
	input.remote_ui.present == true
	not is_array(lib.fact(["remote_ui", "open_pages"]))
}
