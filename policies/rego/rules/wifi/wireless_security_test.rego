package mfpscan.rules.wifi.wireless_security_test

import data.mfpscan.fixtures
import data.mfpscan.rules.wifi.wireless_security

test_fail_open_wifi if {
	doc := object.union(fixtures.canon, {"attestations": {"wireless_security": "none"}})
	fixtures.facts(wireless_security) == {"/attestations/wireless_security"} with input as doc
}

test_pass_wpa3 if {
	fixtures.status(wireless_security) == "pass" with input as fixtures.canon
}

test_pass_disabled if {
	doc := object.union(fixtures.canon, {"attestations": {"wireless_security": "disabled"}})
	fixtures.status(wireless_security) == "pass" with input as doc
}

test_review_not_attested if {
	fixtures.status(wireless_security) == "review" with input as object.remove(fixtures.canon, ["attestations"])
}

test_not_applicable_not_printer if {
	doc := object.union(fixtures.not_printer, {"attestations": {"wireless_security": "none"}})
	fixtures.status(wireless_security) == "not_applicable" with input as doc
}
