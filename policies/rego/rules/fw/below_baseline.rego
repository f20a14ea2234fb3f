# METADATA
# title: Firmware is below the organisation baseline
# description: >-
#   The organisation sets a minimum firmware version per model in
#   data.mfpscan.config.firmware_baselines; this device runs an older one. Versions are
#   compared numerically part by part (37.09 < 37.12).
# scope: package
# related_resources:
# - https://www.canon.co.uk/support/product-security/
# custom:
#   id: MFP-FW-002
#   severity: medium
#   guide_point: 7
#   guide_section: Updating the Firmware
#   stig: [MFD02.004]
#   nist: [SI-2, CM-2]
#   remediation: >-
#     Update the firmware to the baseline: control panel Settings/Registration > Management
#     Settings > License/Other > Update Firmware, or the Firmware Update Tool / iW EMC.
#   vendors: [any]
#   facts: [/firmware/version, /identity/model]
package mfpscan.rules.fw.below_baseline

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

baselines := {lower(k): v | some k, v in lib.param("firmware_baselines", {})}

baseline := baselines[lower(lib.model)]

not_applicable contains "no firmware baselines configured" if count(baselines) == 0

not_applicable contains sprintf("no firmware baseline configured for model %q", [lib.model]) if {
	count(baselines) > 0
	lib.model != ""
	not baseline
}

# Which baseline applies depends on the model: unknown model, no decision.
review contains sprintf("model unknown, so no firmware baseline could be chosen (%s)", [lib.missing_reason("fingerprint")]) if {
	count(baselines) > 0
	lib.model == ""
}

version := v if {
	v := lib.str(["firmware", "version"])
	v != ""
} else := lib.str(["identity", "firmware", "value"])

parts(v) := [to_number(d) | some d in regex.find_n(`[0-9]+`, v, -1)]

deny contains {
	"msg": sprintf("firmware %s is below the baseline %s for %s", [version, baseline, lib.model]),
	"fact": "/firmware/version",
	"evidence": {"model": lib.model, "firmware": version, "baseline": baseline},
} if {
	version != ""
	count(parts(version)) > 0
	parts(version) < parts(baseline)
}

review contains sprintf("firmware version unknown (%s), baseline %s", [lib.missing_reason("fingerprint"), baseline]) if {
	baseline
	version == ""
}

review contains sprintf("firmware version %q has no numeric parts to compare", [version]) if {
	baseline
	version != ""
	count(parts(version)) == 0
}
