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

firmware := lib.obj(["firmware"])

version := lib.str(["firmware", "version"])

status := lib.str(["firmware", "advisory_status"])

advisories := lib.arr(["firmware", "advisories"])

# An advisory's severity comes from the advisory data (Canon's or NVD's
# rating as recorded in the advisories file); one without a usable rating
# keeps the rule's own severity.
severities := {"critical", "high", "medium", "low", "info"}

finding_severity(adv) := s if {
	s := lower(object.get(adv, "severity", ""))
	s in severities
}

deny contains object.union(base, sev) if {
	status == "vulnerable"
	some i, adv in advisories
	id := object.get(adv, "id", "(advisory without an id)")
	cves := [c | some c in object.get(adv, "cves", []); is_string(c)]
	base := {
		"msg": sprintf("firmware %s is affected by %s (%s)%s", [version_label, id, cve_label(cves), fixed_note(adv)]),
		"fact": sprintf("/firmware/advisories/%d", [i]),
		"evidence": {
			"firmware": version,
			"advisory": id,
			"cves": cves,
			"fixed_in": object.get(adv, "fixed_in", ""),
			"url": object.get(adv, "url", ""),
			"severity": object.get(adv, "severity", ""),
		},
	}
	sev := {"severity": s | s := finding_severity(adv)}
}

deny contains {
	"msg": sprintf("firmware %s is marked vulnerable (no advisory details recorded)", [version_label]),
	"fact": "/firmware/advisory_status",
	"evidence": {"advisory_status": "vulnerable"},
} if {
	status == "vulnerable"
	count(advisories) == 0
}

version_label := version if version != "" else := "(version unknown)"

cve_label(cves) := concat(", ", cves) if count(cves) > 0 else := "CVE list not recorded"

fixed_note(adv) := sprintf("; fixed in %s", [adv.fixed_in]) if {
	is_string(adv.fixed_in)
	adv.fixed_in != ""
} else := ""

review contains sprintf("firmware advisories not checked: %s", [lib.missing_reason("advisories")]) if {
	not status in {"vulnerable", "not_affected"}
	status != "unknown"
}

review contains sprintf("no advisory data for firmware %q of this model", [version]) if {
	status == "unknown"
	not uncovered
}

# A model line the advisory data does not name is unknown, never a pass,
# whatever advisory_status an older producer wrote.
coverage := lib.str(["firmware", "advisory_coverage"])

uncovered if coverage in {"model_line_not_covered", "vendor_not_covered", "model_unknown"}

review contains sprintf("no advisory data for this model line (%s)", [coverage]) if uncovered
