package mfpscan.rules.rui.no_otp_test

import data.mfpscan.fixtures
import data.mfpscan.rules.rui.no_otp

# The canon fixture attests nothing about two-factor authentication and its
# credential checks were all refused: only the page's OTP step is evidence.
test_pass_otp_page_seen if {
	fixtures.status(no_otp) == "pass" with input as fixtures.canon
}

test_review_no_evidence if {
	doc := object.union(fixtures.canon, {"remote_ui": {"otp_step": null}})
	fixtures.status(no_otp) == "review" with input as doc
}

# A false otp_step on the fused Remote UI is no evidence: the step shows only
# after a password, which the scan without credentials never sends.
test_review_page_false_is_no_evidence if {
	doc := object.union(fixtures.canon, {"remote_ui": {"otp_step": false}})
	fixtures.status(no_otp) == "review" with input as doc
}

test_review_otp_absent if {
	doc := json.remove(fixtures.canon, ["remote_ui/otp_step"])
	fixtures.status(no_otp) == "review" with input as doc
}

test_fail_password_alone_opened_session if {
	checks := [{"account": "administrator_default", "port": 443, "accepted": true, "status": "ok", "otp_step": false}]
	doc := object.union(json.remove(fixtures.canon, ["remote_ui/otp_step"]), {"credentials": {"status": "ok", "checks": checks}})
	fixtures.facts(no_otp) == {"/credentials/checks/0/otp_step"} with input as doc
}

test_pass_credential_check_saw_otp if {
	checks := [{"account": "administrator_default", "port": 443, "accepted": true, "status": "ok", "otp_step": true}]
	doc := object.union(json.remove(fixtures.canon, ["remote_ui/otp_step"]), {"credentials": {"status": "ok", "checks": checks}})
	fixtures.status(no_otp) == "pass" with input as doc
}

test_pass_attested if {
	doc := object.union(json.remove(fixtures.canon, ["remote_ui/otp_step"]), {"attestations": {"two_factor_auth": true}})
	fixtures.status(no_otp) == "pass" with input as doc
}

test_fail_attested_off if {
	doc := object.union(fixtures.canon, {"attestations": {"two_factor_auth": false}})
	fixtures.facts(no_otp) == {"/attestations/two_factor_auth"} with input as doc
}

test_not_applicable_pin_login if {
	doc := object.union(fixtures.canon, {"remote_ui": {"login_mode": "system_manager_pin", "otp_step": false}})
	fixtures.status(no_otp) == "not_applicable" with input as doc
}

test_review_mode_unknown if {
	doc := object.union(fixtures.canon, {"remote_ui": {"login_mode": "unknown"}})
	fixtures.status(no_otp) == "review" with input as doc
}
