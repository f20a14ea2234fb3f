package mfpscan.rules.int.firmware_verification_test

import data.mfpscan.fixtures
import data.mfpscan.rules.int.firmware_verification

test_fail_attested_false if {
	doc := object.union(fixtures.canon, {"attestations": {"firmware_verification": false}})
	r := firmware_verification with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {"/attestations/firmware_verification"}
}

test_pass_attested_true if {
	fixtures.status(firmware_verification) == "pass" with input as fixtures.canon
}

test_review_not_attested if {
	doc := object.remove(fixtures.canon, ["attestations"])
	fixtures.status(firmware_verification) == "review" with input as doc
}

test_not_applicable_not_printer if {
	doc := object.union(fixtures.not_printer, {"attestations": {"firmware_verification": false}})
	fixtures.status(firmware_verification) == "not_applicable" with input as doc
}
