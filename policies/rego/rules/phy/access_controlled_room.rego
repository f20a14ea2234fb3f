# METADATA
# title: MFP is not attested to be in an access-controlled room
# description: >-
#   The guide asks to install MFPs in a locked room with access control so the general
#   public cannot reach the panel, USB ports or network jack. The network cannot show this;
#   the organisation attests it.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# custom:
#   id: MFP-PHY-001
#   severity: medium
#   guide_point: 1
#   guide_section: Using MFP in an Environment with Access Control
#   stig: [MFD08.001]
#   nist: [PE-3, PE-5]
#   remediation: >-
#     Move the device to a room with access control; record it in the attestations file
#     (access_controlled_room: true).
#   vendors: [any]
#   facts: [/attestations/access_controlled_room]
package mfpscan.rules.phy.access_controlled_room

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

deny contains lib.attestation_finding("access_controlled_room", "device is in an access-controlled room: attested false") if input.attestations.access_controlled_room == false

review contains "not attested: device is in an access-controlled room (set access_controlled_room in the attestations file)" if not is_boolean(object.get(lib.attestations, "access_controlled_room", null))
