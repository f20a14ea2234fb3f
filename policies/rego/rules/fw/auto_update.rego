# METADATA
# title: Scheduled firmware update is not attested
# description: >-
#   The guide suggests setting the machine to check for new firmware periodically and update
#   it automatically (Scheduled Update). The organisation attests it, or an equivalent
#   managed process.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# custom:
#   id: MFP-FW-003
#   severity: low
#   guide_point: 7
#   guide_section: Updating the Firmware
#   stig: [MFD02.004]
#   nist: [SI-2]
#   remediation: >-
#     Settings/Registration > Management Settings > License/Other > Update Firmware >
#     Scheduled Update Settings: On, with an update schedule; record it in the attestations
#     file (auto_firmware_update: true).
#   vendors: [any]
#   facts: [/attestations/auto_firmware_update]
package mfpscan.rules.fw.auto_update

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

deny contains f if some f in lib.attestation_deny("auto_firmware_update", "scheduled firmware update is enabled: attested false")

review contains r if some r in lib.attestation_review("auto_firmware_update", "scheduled firmware update is enabled")
