# METADATA
# title: Default System Manager ID/PIN is accepted
# description: >-
#   The factory System Manager ID and PIN (Canon's published default) give full administrative
#   control of iR, iR-ADV and many MF devices; the guide says to change the default password
#   first.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# - https://support.usa.canon.com/kb/index?page=content&id=ART171716
# custom:
#   id: MFP-CRED-001
#   severity: critical
#   guide_point: 5
#   guide_section: Managing MFP Information with Passwords
#   security_policy: Authentication
#   stig: [MFD02.001]
#   nist: [IA-5, AC-2]
#   remediation: >-
#     Settings/Registration > Management Settings > User Management > System Manager
#     Information Settings (Remote UI: Settings/Registration > User Management > System
#     Manager/Contact Person Information Settings): set a new System Manager ID and PIN.
#   vendors: [canon]
#   facts: [/credentials]
package mfpscan.rules.cred.system_manager_default

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.canon_not_applicable

account := "system_manager_default"

deny contains {
	"msg": sprintf("%s accepted the factory default System Manager ID and PIN", [lib.device_label]),
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
