# METADATA
# title: Remote UI login has no one-time-password step
# description: >-
#   With user name + password login, the guide recommends two-factor authentication (a one-
#   time password after the password). No OTP step was seen.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# custom:
#   id: MFP-RUI-005
#   severity: low
#   guide_point: 6
#   guide_section: Limiting Usage of the Remote UI
#   security_policy: Authentication
#   stig: []
#   nist: [IA-2(1), IA-2(2)]
#   remediation: >-
#     Remote UI: Settings/Registration > User Management > Authentication Management >
#     Authentication Function Settings: enable "Two-Factor Authentication" (one-time password)
#     for Remote UI login.
#   vendors: [any]
#   facts: [/remote_ui/otp_step, /remote_ui/login_mode]
package mfpscan.rules.rui.no_otp

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

not_applicable contains reason if some reason in lib.remote_ui_not_applicable

not_applicable contains sprintf("Remote UI login mode is %s, not user name + password", [mode]) if {
	mode := lib.str(["remote_ui", "login_mode"])
	not mode in {"user_password", "", "unknown"}
}

deny contains {
	"msg": "Remote UI user name + password login has no one-time-password step",
	"fact": "/remote_ui/otp_step",
	"evidence": {"login_mode": "user_password", "otp_step": false},
} if {
	input.remote_ui.login_mode == "user_password"
	input.remote_ui.otp_step == false
}

review contains r if some r in lib.remote_ui_review

review contains "Remote UI login mode unknown, so the OTP step could not be judged" if {
	input.remote_ui.present == true
	lib.str(["remote_ui", "login_mode"]) in {"", "unknown"}
}

review contains "whether the login asks for a one-time password was not determined" if {
	input.remote_ui.login_mode == "user_password"
	not is_boolean(object.get(input, ["remote_ui", "otp_step"], null))
}
