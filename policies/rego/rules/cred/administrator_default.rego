# METADATA
# title: Default Administrator password is accepted
# description: >-
#   iR-ADV Gen3 / DX devices with user authentication ship with user "Administrator" and
#   Canon's published default password; with it, anyone can change every setting and export
#   the address book.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# - https://support.usa.canon.com/kb/index?page=content&id=ART171716
# custom:
#   id: MFP-CRED-003
#   severity: critical
#   guide_point: 5
#   guide_section: Managing MFP Information with Passwords
#   security_policy: Authentication
#   stig: [MFD02.001]
#   nist: [IA-5, AC-2]
#   remediation: >-
#     Remote UI: Settings/Registration > User Management > Authentication Management: select
#     the "Administrator" user and change its password; apply the Security Policy (Remote UI:
#     Settings/Registration > Security Settings > Security Policy Settings > Authentication >
#     Password Operational Policy).
#   vendors: [canon]
#   facts: [/credentials]
package mfpscan.rules.cred.administrator_default

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.canon_not_applicable

account := "administrator_default"

deny contains {
	"msg": sprintf("%s accepted the factory default password of the Administrator user", [lib.device_label]),
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
