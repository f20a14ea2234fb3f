# METADATA
# title: Default MEAP SMS password is accepted
# description: >-
#   The MEAP Service Management Service (SMS) ships with a shared default password; with it,
#   anyone can install, start or stop MEAP applications on the device.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# - https://support.usa.canon.com/kb/index?page=content&id=ART171716
# custom:
#   id: MFP-CRED-004
#   severity: high
#   guide_point: 5
#   guide_section: Managing MFP Information with Passwords
#   security_policy: Authentication
#   stig: [MFD02.001]
#   nist: [IA-5, AC-2]
#   remediation: >-
#     Log in to SMS (Remote UI portal > Service Management Service) and change the password
#     under "Change Password" (8-32 characters).
#   vendors: [canon]
#   facts: [/credentials]
package mfpscan.rules.cred.meap_sms_default

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.canon_not_applicable

account := "meap_sms_default"

deny contains {
	"msg": sprintf("%s accepted the default MEAP Service Management Service password", [lib.device_label]),
	"fact": sprintf("/credentials/checks/%d/accepted", [i]),
	"evidence": {"account": account, "port": object.get(c, "port", 0), "accepted": true},
} if {
	some [i, c] in lib.accepted_checks
	c.account == account
}

review contains lib.credentials_not_run if not input.credentials.status == "ok"

review contains sprintf("%s was not tried", [account]) if {
	input.credentials.status == "ok"
	not lib.tried_accounts[account]
}
