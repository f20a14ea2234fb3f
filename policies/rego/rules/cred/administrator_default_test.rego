package mfpscan.rules.cred.administrator_default_test

import data.mfpscan.fixtures
import data.mfpscan.rules.cred.administrator_default

test_fail_accepted if {
	doc := object.union(fixtures.canon, {"credentials": {"checks": [{"account": "administrator_default", "port": 80, "accepted": true, "status": "ok"}]}})
	r := administrator_default with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {"/credentials/checks/0/accepted"}
}

test_pass_rejected if {
	fixtures.status(administrator_default) == "pass" with input as fixtures.canon
}

test_review_opt_in_not_given if {
	doc := object.union(fixtures.canon, {"credentials": {"status": "skipped", "reason": "opt-in not given", "checks": []}, "collectors": {"credentials": {"status": "skipped", "reason": "opt-in not given"}}})
	r := administrator_default with input as doc
	r.review == {"default-credential checks not run: credentials collector: skipped (opt-in not given)"}
}

test_review_not_tried if {
	doc := object.union(fixtures.canon, {"credentials": {"checks": [{"account": "administrator_default", "accepted": null, "status": "timeout"}]}})
	fixtures.status(administrator_default) == "review" with input as doc
}

test_not_applicable_other_vendor if {
	doc := object.union(fixtures.other_vendor, {"credentials": {"checks": [{"account": "administrator_default", "accepted": true, "status": "ok"}]}})
	fixtures.status(administrator_default) == "not_applicable" with input as doc
}
