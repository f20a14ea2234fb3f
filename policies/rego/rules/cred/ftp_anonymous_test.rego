package mfpscan.rules.cred.ftp_anonymous_test

import data.mfpscan.fixtures
import data.mfpscan.rules.cred.ftp_anonymous

test_fail_accepted if {
	doc := object.union(fixtures.canon, {"credentials": {"checks": [{"account": "ftp_anonymous", "port": 80, "accepted": true, "status": "ok"}]}})
	r := ftp_anonymous with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {"/credentials/checks/0/accepted"}
}

test_pass_rejected if {
	fixtures.status(ftp_anonymous) == "pass" with input as fixtures.canon
}

test_review_opt_in_not_given if {
	doc := object.union(fixtures.canon, {"credentials": {"status": "skipped", "reason": "opt-in not given", "checks": []}, "collectors": {"credentials": {"status": "skipped", "reason": "opt-in not given"}}})
	r := ftp_anonymous with input as doc
	r.review == {"default-credential checks not run: credentials collector: skipped (opt-in not given)"}
}

test_review_not_tried if {
	doc := object.union(fixtures.canon, {"credentials": {"checks": [{"account": "ftp_anonymous", "accepted": null, "status": "timeout"}]}})
	fixtures.status(ftp_anonymous) == "review" with input as doc
}
