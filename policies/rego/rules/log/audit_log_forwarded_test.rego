package mfpscan.rules.log.audit_log_forwarded_test

import data.mfpscan.fixtures
import data.mfpscan.rules.log.audit_log_forwarded

test_fail_attested_false if {
	doc := object.union(fixtures.canon, {"attestations": {"audit_log_forwarded": false}})
	r := audit_log_forwarded with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {"/attestations/audit_log_forwarded"}
}

test_pass_attested_true if {
	fixtures.status(audit_log_forwarded) == "pass" with input as fixtures.canon
}

test_review_not_attested if {
	doc := object.remove(fixtures.canon, ["attestations"])
	fixtures.status(audit_log_forwarded) == "review" with input as doc
}

test_not_applicable_not_printer if {
	doc := object.union(fixtures.not_printer, {"attestations": {"audit_log_forwarded": false}})
	fixtures.status(audit_log_forwarded) == "not_applicable" with input as doc
}
