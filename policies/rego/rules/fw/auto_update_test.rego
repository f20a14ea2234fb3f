package mfpscan.rules.fw.auto_update_test

import data.mfpscan.fixtures
import data.mfpscan.rules.fw.auto_update

test_fail_attested_false if {
	doc := object.union(fixtures.canon, {"attestations": {"auto_firmware_update": false}})
	r := auto_update with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {"/attestations/auto_firmware_update"}
}

test_pass_attested_true if {
	fixtures.status(auto_update) == "pass" with input as fixtures.canon
}

test_review_not_attested if {
	doc := object.remove(fixtures.canon, ["attestations"])
	fixtures.status(auto_update) == "review" with input as doc
}

test_not_applicable_not_printer if {
	doc := object.union(fixtures.not_printer, {"attestations": {"auto_firmware_update": false}})
	fixtures.status(auto_update) == "not_applicable" with input as doc
}
