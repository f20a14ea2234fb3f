# METADATA
# title: Anonymous FTP login is accepted
# description: >-
#   The FTP server accepts anonymous logins, so anyone can submit print jobs or read files
#   over a cleartext protocol.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# custom:
#   id: MFP-CRED-005
#   severity: high
#   guide_point: 5
#   guide_section: Managing MFP Information with Passwords
#   security_policy: Authentication
#   stig: [MFD02.001]
#   nist: [IA-5, AC-2]
#   remediation: >-
#     Settings/Registration > Preferences > Network > TCP/IP Settings > FTP Print Settings:
#     set "Use FTP Printing" to Off, or set an FTP user name and password.
#   vendors: [any]
#   facts: [/credentials]
package mfpscan.rules.cred.ftp_anonymous

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

account := "ftp_anonymous"

deny contains {
	"msg": sprintf("%s accepted an anonymous FTP login", [lib.device_label]),
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
