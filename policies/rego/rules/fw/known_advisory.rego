# METADATA
# title: Firmware has a known security advisory
# description: >-
#   The running firmware is at or below a version named vulnerable in a Canon PSIRT advisory
#   (for example CP2024-001 / CP2024-002 WSD and SLP overflows, CP2025-001, CP2026-001),
#   most of them unauthenticated remote code execution (CVSS 9.8).
# scope: package
# related_resources:
# - https://psirt.canon/advisory-information/cp2024-001/
# - https://psirt.canon/advisory-information/cp2024-002
# - https://psirt.canon/advisory-information/cp2025-001/
# - https://psirt.canon/advisory-information/cp2026-001/
# custom:
#   id: MFP-FW-001
#   severity: critical
#   guide_point: 7
#   guide_section: Updating the Firmware
#   stig: [MFD02.004]
#   nist: [SI-2, RA-5]
#   remediation: >-
#     Update the firmware: control panel Settings/Registration > Management Settings >
#     License/Other > Update Firmware (MF/LBP: Menu > Management Settings > Update Firmware),
#     or the Firmware Update Tool / iW EMC; then enable Scheduled Update.
#   vendors: [canon]
#   facts: [/firmware]
package mfpscan.rules.fw.known_advisory

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.canon_not_applicable

deny contains {
	"msg": sprintf("firmware %s is affected by %s (%s)%s", [object.get(input.firmware, "version", "?"), adv.id, concat(", ", object.get(adv, "cves", [])), fixed]),
	"fact": sprintf("/firmware/advisories/%d", [i]),
	"evidence": {
		"firmware": object.get(input.firmware, "version", ""),
		"advisory": adv.id,
		"cves": object.get(adv, "cves", []),
		"fixed_in": object.get(adv, "fixed_in", ""),
		"url": object.get(adv, "url", ""),
	},
} if {
	input.firmware.advisory_status == "vulnerable"
	some i, adv in object.get(input.firmware, "advisories", [])
	fixed := fixed_note(adv)
}

# An advisory status of vulnerable without advisory entries still fails.
deny contains {
	"msg": sprintf("firmware %s is marked vulnerable (no advisory details recorded)", [object.get(input.firmware, "version", "?")]),
	"fact": "/firmware/advisory_status",
	"evidence": {"advisory_status": "vulnerable"},
} if {
	input.firmware.advisory_status == "vulnerable"
	count(object.get(input.firmware, "advisories", [])) == 0
}

fixed_note(adv) := sprintf("; fixed in %s", [adv.fixed_in]) if adv.fixed_in != "" else := ""

review contains sprintf("firmware version unknown: %s", [lib.missing_reason("advisories")]) if not input.firmware

review contains sprintf("no advisory data for firmware %q of this model", [object.get(input.firmware, "version", "")]) if {
	object.get(input.firmware, "advisory_status", "unknown") == "unknown"
	not uncovered
}

# A model line the advisory data does not name is unknown, never a pass,
# whatever advisory_status an older producer wrote.
uncovered if object.get(input.firmware, "advisory_coverage", "") in {"model_line_not_covered", "vendor_not_covered", "model_unknown"}

review contains sprintf("no advisory data for this model line (%s)", [object.get(input.firmware, "advisory_coverage", "")]) if uncovered
