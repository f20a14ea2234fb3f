package mfpscan.rules.cert.expired_test

import data.mfpscan.fixtures
import data.mfpscan.rules.cert.expired

test_fail if {
	doc := object.union(fixtures.canon, {"tls": [object.union(fixtures.canon.tls[0], {"certificate": {"expired": true, "not_after": "2023-01-01T00:00:00Z"}})]})
	r := expired with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {"/tls/0/certificate/expired"}
	some msg in fixtures.messages(r)
	contains(msg, "expired on 2023-01-01")
}

test_pass if {
	fixtures.status(expired) == "pass" with input as fixtures.canon
}

test_review_tls_timeout if {
	doc := object.union(fixtures.with_collector(fixtures.canon, "tls", "timeout"), {"tls": [object.union(fixtures.canon.tls[0], {"status": "timeout"})]})
	r := expired with input as doc
	fixtures.status(r) == "review"
	some reason in r.review
	contains(reason, "port 443: timeout")
}

test_review_tls_not_run if {
	doc := object.remove(object.union(fixtures.canon, {"collectors": {"tls": {"status": "error", "reason": "dial refused"}}}), ["tls"])
	r := expired with input as doc
	r.review == {"no TLS port could be tested: tls collector: error (dial refused)"}
}

test_not_applicable_no_tls_service if {
	doc := object.remove(fixtures.with_collector(fixtures.canon, "tls", "closed"), ["tls"])
	fixtures.status(expired) == "not_applicable" with input as doc
}

test_not_applicable_not_printer if {
	doc := object.union(fixtures.not_printer, {"tls": [object.union(fixtures.canon.tls[0], {"certificate": {"expired": true, "not_after": "2023-01-01T00:00:00Z"}})]})
	fixtures.status(expired) == "not_applicable" with input as doc
}
