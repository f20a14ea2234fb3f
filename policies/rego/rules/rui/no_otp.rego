# METADATA
# title: Remote UI login has no one-time-password step
# description: >-
#   With user name + password login, the guide recommends two-factor authentication (a
#   one-time password after the password, its "Login screen 5"). The step shows only after a
#   password is accepted, so a scan without credentials cannot see that it is missing. The rule
#   decides on evidence only: it passes when a Remote UI page showed the one-time-password
#   screen, when the opt-in default-credential check saw an accepted user name + password login
#   answered by that screen, or when the attestations file says two_factor_auth is true; it fails
#   when that check saw the password alone open a session, or when two_factor_auth is attested
#   false. Without any of these it gives review naming the two ways to supply the evidence.
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
#     for Remote UI login; record it in the attestations file (two_factor_auth: true).
#   vendors: [any]
#   facts: [/remote_ui/otp_step, /remote_ui/login_mode, /credentials/checks, /attestations/two_factor_auth]
package mfpscan.rules.rui.no_otp

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

not_applicable contains reason if some reason in lib.remote_ui_not_applicable

not_applicable contains sprintf("Remote UI login mode is %s, not user name + password", [mode]) if {
	mode := lib.str(["remote_ui", "login_mode"])
	not mode in {"user_password", "", "unknown"}
}

# An accepted user name + password login whose answer was already a session.
deny contains {
	"msg": sprintf("the password alone opened a Remote UI session on port %v: no one-time-password step", [object.get(c, "port", "?")]),
	"fact": sprintf("/credentials/checks/%d/otp_step", [i]),
	"evidence": {"account": object.get(c, "account", ""), "accepted": true, "otp_step": false},
} if {
	input.remote_ui.login_mode == "user_password"
	some [i, c] in lib.accepted_checks
	c.otp_step == false
}

deny contains f if {
	input.remote_ui.login_mode == "user_password"
	some f in lib.attestation_deny("two_factor_auth", "two-factor authentication for the Remote UI is attested off")
}

# Evidence that the one-time-password step exists.
otp_seen if input.remote_ui.otp_step == true

otp_seen if {
	some [_, c] in lib.accepted_checks
	c.otp_step == true
}

otp_seen if lib.attestation("two_factor_auth") == true

review contains r if some r in lib.remote_ui_review

review contains "Remote UI login mode unknown, so the OTP step could not be judged" if {
	input.remote_ui.present == true
	lib.str(["remote_ui", "login_mode"]) in {"", "unknown"}
}

review contains "the one-time-password step shows only after a password is accepted: attest two_factor_auth in the attestations file, or run the opt-in default-credential check" if {
	input.remote_ui.login_mode == "user_password"
	not otp_seen
}
