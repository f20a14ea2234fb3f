# METADATA
# title: Remote UI opens without login
# description: >-
#   The Remote UI portal opens without any login, or general users enter without a password
#   (an MF/LBP login page offering General User Mode without a Remote UI Access PIN, or an
#   iR-ADV page with a General User Login that needs no ID or PIN). The guide asks to restrict Remote UI use and require a PIN or password for both
#   administrators and general users.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# custom:
#   id: MFP-RUI-004
#   severity: high
#   guide_point: 6
#   guide_section: Limiting Usage of the Remote UI
#   security_policy: Authentication
#   stig: [MFD08.002, MFD02.001]
#   nist: [AC-3, IA-2]
#   remediation: >-
#     Remote UI: Settings/Registration > User Management > Authentication Management: enable
#     user authentication for the Remote UI (control panel: Settings/Registration > Management
#     Settings > Security Settings > Authentication/Password Settings), and set a System
#     Manager ID and PIN under Settings/Registration > User Management > System
#     Manager/Contact Person Information Settings.
#   vendors: [any]
#   facts: [/remote_ui/login_mode]
package mfpscan.rules.rui.no_login

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

not_applicable contains reason if some reason in lib.remote_ui_not_applicable

open_modes := {
	"none": "the Remote UI portal opens without a login page",
	"general_no_password": "general users log in to the Remote UI without a password",
}

deny contains {
	"msg": open_modes[mode],
	"fact": "/remote_ui/login_mode",
	"evidence": {"login_mode": mode, "ports": object.get(input.remote_ui, "ports", [])},
} if {
	mode := input.remote_ui.login_mode
	open_modes[mode]
}

review contains r if some r in lib.remote_ui_review

review contains "Remote UI login mode could not be classified" if {
	input.remote_ui.present == true
	lib.str(["remote_ui", "login_mode"]) in {"", "unknown"}
}
