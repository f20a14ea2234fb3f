package mfpscan.rules.cred.system_manager_blank_test

import data.mfpscan.fixtures
import data.mfpscan.rules.cred.system_manager_blank

test_fail_accepted if {
	doc := object.union(fixtures.canon, {"credentials": {"checks": [{"account": "system_manager_blank", "port": 80, "accepted": true, "status": "ok"}]}})
	r := system_manager_blank with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {"/credentials/checks/0/accepted"}
}

test_pass_rejected if {
	fixtures.status(system_manager_blank) == "pass" with input as fixtures.canon
}

test_review_opt_in_not_given if {
	doc := object.union(fixtures.canon, {"credentials": {"status": "skipped", "reason": "opt-in not given", "checks": []}, "collectors": {"credentials": {"status": "skipped", "reason": "opt-in not given"}}})
	r := system_manager_blank with input as doc
	r.review == {"default-credential checks not run: credentials collector: skipped (opt-in not given)"}
}

test_review_not_tried if {
	doc := object.union(fixtures.canon, {"credentials": {"checks": [{"account": "system_manager_blank", "accepted": null, "status": "timeout"}]}})
	fixtures.status(system_manager_blank) == "review" with input as doc
}

test_not_applicable_other_vendor if {
	doc := object.union(fixtures.other_vendor, {"credentials": {"checks": [{"account": "system_manager_blank", "accepted": true, "status": "ok"}]}})
	fixtures.status(system_manager_blank) == "not_applicable" with input as doc
}
