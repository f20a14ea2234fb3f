# METADATA
# title: System Manager mode opens with a blank PIN
# description: >-
#   When no System Manager PIN is set, an empty PIN logs in as System Manager
#   (CVE-2018-12049 on LBP6030w; Canon: "customer keeps default settings").
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# - https://support.usa.canon.com/kb/index?page=content&id=ART171716
# custom:
#   id: MFP-CRED-002
#   severity: critical
#   guide_point: 5
#   guide_section: Managing MFP Information with Passwords
#   security_policy: Authentication
#   stig: [MFD02.001]
#   nist: [IA-5, AC-2]
#   remediation: >-
#     Settings/Registration > Management Settings > User Management > System Manager
#     Information Settings: set a System Manager PIN (up to 7 digits, not all zeros).
#   vendors: [canon]
#   facts: [/credentials]
package mfpscan.rules.cred.system_manager_blank

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.canon_not_applicable

account := "system_manager_blank"

deny contains {
	"msg": sprintf("%s accepted an empty System Manager PIN", [lib.device_label]),
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
