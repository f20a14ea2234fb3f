# METADATA
# title: Security Policy settings are not attested
# description: >-
#   The guide asks to manage MFPs according to a security policy using the device's Security
#   Policy settings (interface, authentication, key/certificate, network, log, job,
#   storage), locked by a separate security-policy password.
# scope: package
# related_resources:
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# custom:
#   id: MFP-POL-001
#   severity: medium
#   guide_point: 10
#   guide_section: Managing MFPs According to a Security Policy
#   stig: [MFD06.002]
#   nist: [CM-6, PL-2]
#   remediation: >-
#     Remote UI: Settings/Registration > Security Settings > Security Policy Settings: apply
#     the organisation's policy and set a separate password for it; confirm with
#     Settings/Registration > Security Settings > Confirm Security Policy; record it in the
#     attestations file (security_policy_applied: true).
#   vendors: [any]
#   facts: [/attestations/security_policy_applied]
package mfpscan.rules.pol.security_policy_applied

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

deny contains lib.attestation_finding("security_policy_applied", "the Canon Security Policy settings are applied: attested false") if input.attestations.security_policy_applied == false

review contains "not attested: the Canon Security Policy settings are applied (set security_policy_applied in the attestations file)" if not is_boolean(object.get(lib.attestations, "security_policy_applied", null))
