package mfpscan.rules.fw.below_baseline_test

import data.mfpscan.fixtures
import data.mfpscan.rules.fw.below_baseline

cfg := {"firmware_baselines": {"IR-ADV DX C5840": "37.20"}}

test_fail_below if {
	r := below_baseline with input as fixtures.canon with data.mfpscan.config as cfg
	fixtures.messages(r) == {"firmware 37.12 is below the baseline 37.20 for iR-ADV DX C5840"}
	fixtures.facts(r) == {"/firmware/version"}
}

test_pass_at_baseline if {
	fixtures.status(below_baseline) == "pass" with input as fixtures.canon with data.mfpscan.config as {"firmware_baselines": {"iR-ADV DX C5840": "37.12"}}
}

test_pass_numeric_not_lexical if {
	doc := object.union(fixtures.canon, {"firmware": {"version": "37.100"}})
	fixtures.status(below_baseline) == "pass" with input as doc with data.mfpscan.config as cfg
}

test_review_version_unknown if {
	doc := object.remove(fixtures.canon, ["firmware"])
	doc2 := object.union(doc, {"identity": {"firmware": {"value": ""}}})
	fixtures.status(below_baseline) == "review" with input as doc2 with data.mfpscan.config as cfg
}

test_not_applicable_no_baseline if {
	fixtures.status(below_baseline) == "not_applicable" with input as fixtures.canon
}

# Issue 12: with baselines configured, an unknown model is review, not
# not_applicable.
test_review_model_unknown if {
	doc := object.union(object.remove(fixtures.canon, ["identity"]), {"identity": object.remove(fixtures.canon.identity, ["model"])})
	fixtures.status(below_baseline) == "review" with input as doc with data.mfpscan.config.firmware_baselines as {"iR-ADV DX C5840": "37.12"}
}
