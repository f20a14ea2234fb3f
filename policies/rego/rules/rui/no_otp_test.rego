package mfpscan.rules.rui.no_otp_test

import data.mfpscan.fixtures
import data.mfpscan.rules.rui.no_otp

test_fail_no_otp if {
	doc := object.union(fixtures.canon, {"remote_ui": {"otp_step": false}})
	fixtures.facts(no_otp) == {"/remote_ui/otp_step"} with input as doc
}

test_pass_otp if {
	fixtures.status(no_otp) == "pass" with input as fixtures.canon
}

test_review_otp_unknown if {
	doc := object.union(fixtures.canon, {"remote_ui": {"otp_step": null}})
	fixtures.status(no_otp) == "review" with input as doc
}

test_not_applicable_pin_login if {
	doc := object.union(fixtures.canon, {"remote_ui": {"login_mode": "system_manager_pin", "otp_step": false}})
	fixtures.status(no_otp) == "not_applicable" with input as doc
}

# An absent otp_step (the facts omit unknown booleans) is unknown, like null.
test_review_otp_absent if {
	doc := json.remove(fixtures.canon, ["remote_ui/otp_step"])
	fixtures.status(no_otp) == "review" with input as doc
}
