# METADATA
# title: Audit log forwarding to a SIEM is not attested
# description: >-
#   The guide asks to use the audit log; continuous sending to a Syslog/SIEM server keeps
#   the records off the device and reviewable. The organisation attests it.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# custom:
#   id: MFP-LOG-001
#   severity: medium
#   guide_point: 9
#   guide_section: Using the Audit Log
#   security_policy: Log
#   stig: [MFD06.001, MFD06.006]
#   nist: [AU-2, AU-6, AU-9]
#   remediation: >-
#     Remote UI: Settings/Registration > Device Management > Export Audit Log / Syslog
#     Settings: enable "Use Syslog Send" with the SIEM address (TLS where supported); record
#     it in the attestations file (audit_log_forwarded: true).
#   vendors: [any]
#   facts: [/attestations/audit_log_forwarded]
package mfpscan.rules.log.audit_log_forwarded

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

deny contains lib.attestation_finding("audit_log_forwarded", "audit log is forwarded to a syslog/SIEM server: attested false") if input.attestations.audit_log_forwarded == false

review contains "not attested: audit log is forwarded to a syslog/SIEM server (set audit_log_forwarded in the attestations file)" if not is_boolean(object.get(lib.attestations, "audit_log_forwarded", null))
