package mfpscan.rules.pol.security_policy_applied_test

import data.mfpscan.fixtures
import data.mfpscan.rules.pol.security_policy_applied

test_fail_attested_false if {
	doc := object.union(fixtures.canon, {"attestations": {"security_policy_applied": false}})
	r := security_policy_applied with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {"/attestations/security_policy_applied"}
}

test_pass_attested_true if {
	fixtures.status(security_policy_applied) == "pass" with input as fixtures.canon
}

test_review_not_attested if {
	doc := object.remove(fixtures.canon, ["attestations"])
	fixtures.status(security_policy_applied) == "review" with input as doc
}

test_not_applicable_not_printer if {
	doc := object.union(fixtures.not_printer, {"attestations": {"security_policy_applied": false}})
	fixtures.status(security_policy_applied) == "not_applicable" with input as doc
}
