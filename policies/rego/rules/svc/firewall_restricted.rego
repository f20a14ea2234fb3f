# METADATA
# title: MFP is not attested to be behind a restricting firewall
# description: >-
#   The guide asks to restrict communication with firewalls (network firewall and the
#   device's own IP address filter) so only intended hosts reach the MFP. A scan from one
#   vantage point cannot prove it; the organisation attests it.
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# custom:
#   id: MFP-SVC-012
#   severity: medium
#   guide_point: 3
#   guide_section: Restricting Communication with Firewalls
#   stig: [MFD01.003, MFD02.005]
#   nist: [SC-7, AC-17]
#   remediation: >-
#     Remote UI: Settings/Registration > Network Settings > Firewall Settings > IPv4 Address
#     Filter / IPv6 Address Filter: enable the inbound filter and allow only print servers and
#     management stations; record it in the attestations file (firewall_restricted: true).
#   vendors: [any]
#   facts: [/attestations/firewall_restricted]
package mfpscan.rules.svc.firewall_restricted

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

deny contains lib.attestation_finding("firewall_restricted", "access to the device is restricted by a firewall: attested false") if input.attestations.firewall_restricted == false

review contains "not attested: access to the device is restricted by a firewall (set firewall_restricted in the attestations file)" if not is_boolean(object.get(lib.attestations, "firewall_restricted", null))
