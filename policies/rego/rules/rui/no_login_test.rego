package mfpscan.rules.rui.no_login_test

import data.mfpscan.fixtures
import data.mfpscan.rules.rui.no_login

test_fail_none if {
	doc := object.union(fixtures.canon, {"remote_ui": {"login_mode": "none"}})
	r := no_login with input as doc
	fixtures.status(r) == "fail"
	fixtures.messages(r) == {"the Remote UI portal opens without a login page"}
}

test_fail_general_no_password if {
	doc := object.union(fixtures.canon, {"remote_ui": {"login_mode": "general_no_password"}})
	fixtures.status(no_login) == "fail" with input as doc
}

test_pass_user_password if {
	fixtures.status(no_login) == "pass" with input as fixtures.canon
}

test_pass_department_id if {
	doc := object.union(fixtures.canon, {"remote_ui": {"login_mode": "department_id_pin"}})
	fixtures.status(no_login) == "pass" with input as doc
}

test_review_unknown_mode if {
	doc := object.union(fixtures.canon, {"remote_ui": {"login_mode": "unknown"}})
	fixtures.status(no_login) == "review" with input as doc
}

test_not_applicable_not_printer if {
	doc := object.union(fixtures.not_printer, {"remote_ui": {"login_mode": "none"}})
	fixtures.status(no_login) == "not_applicable" with input as doc
}
