# METADATA
# title: Firmware modification detection is not attested
# description: >-
#   Canon MFPs can verify their firmware at start-up and while running (Verify System at
#   Startup / runtime integrity verification) to detect unauthorised modifications. The
#   setting cannot be read over the network; the organisation attests it.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# custom:
#   id: MFP-INT-001
#   severity: medium
#   guide_point: 8
#   guide_section: Detecting Unauthorized Firmware Modifications
#   stig: [MFD02.004]
#   nist: [SI-7]
#   remediation: >-
#     Settings/Registration > Management Settings > Security Settings > Verify System at
#     Startup: On (and "Runtime Intrusion Detection" where available); record it in the
#     attestations file (firmware_verification: true).
#   vendors: [any]
#   facts: [/attestations/firmware_verification]
package mfpscan.rules.int.firmware_verification

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

deny contains lib.attestation_finding("firmware_verification", "firmware modification detection is enabled: attested false") if input.attestations.firmware_verification == false

review contains "not attested: firmware modification detection is enabled (set firmware_verification in the attestations file)" if not is_boolean(object.get(lib.attestations, "firmware_verification", null))
