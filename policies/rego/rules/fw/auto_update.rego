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

deny contains lib.attestation_finding("auto_firmware_update", "scheduled firmware update is enabled: attested false") if input.attestations.auto_firmware_update == false

review contains "not attested: scheduled firmware update is enabled (set auto_firmware_update in the attestations file)" if not is_boolean(object.get(lib.attestations, "auto_firmware_update", null))
