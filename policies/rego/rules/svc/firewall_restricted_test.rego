package mfpscan.rules.svc.firewall_restricted_test

import data.mfpscan.fixtures
import data.mfpscan.rules.svc.firewall_restricted

test_fail_attested_false if {
	doc := object.union(fixtures.canon, {"attestations": {"firewall_restricted": false}})
	r := firewall_restricted with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {"/attestations/firewall_restricted"}
}

test_pass_attested_true if {
	fixtures.status(firewall_restricted) == "pass" with input as fixtures.canon
}

test_review_not_attested if {
	doc := object.remove(fixtures.canon, ["attestations"])
	fixtures.status(firewall_restricted) == "review" with input as doc
}

test_not_applicable_not_printer if {
	doc := object.union(fixtures.not_printer, {"attestations": {"firewall_restricted": false}})
	fixtures.status(firewall_restricted) == "not_applicable" with input as doc
}
