package mfpscan.rules.cert.default_canon_subject_test

import data.mfpscan.fixtures
import data.mfpscan.rules.cert.default_canon_subject

test_fail if {
	doc := object.union(fixtures.canon, {"tls": [object.union(fixtures.canon.tls[0], {"certificate": {"default_canon_subject": true, "subject": "CN=Canon iR-ADV C5840"}})]})
	r := default_canon_subject with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {"/tls/0/certificate/default_canon_subject"}
	some msg in fixtures.messages(r)
	contains(msg, "factory Canon certificate")
}

test_pass if {
	fixtures.status(default_canon_subject) == "pass" with input as fixtures.canon
}

test_review_tls_timeout if {
	doc := object.union(fixtures.with_collector(fixtures.canon, "tls", "timeout"), {"tls": [object.union(fixtures.canon.tls[0], {"status": "timeout"})]})
	r := default_canon_subject with input as doc
	fixtures.status(r) == "review"
	some reason in r.review
	contains(reason, "port 443: timeout")
}

test_review_tls_not_run if {
	doc := object.remove(object.union(fixtures.canon, {"collectors": {"tls": {"status": "error", "reason": "dial refused"}}}), ["tls"])
	r := default_canon_subject with input as doc
	r.review == {"no TLS port could be tested: tls collector: error (dial refused)"}
}

test_not_applicable_no_tls_service if {
	doc := object.remove(fixtures.with_collector(fixtures.canon, "tls", "closed"), ["tls"])
	fixtures.status(default_canon_subject) == "not_applicable" with input as doc
}

test_not_applicable_not_printer if {
	doc := object.union(fixtures.not_printer, {"tls": [object.union(fixtures.canon.tls[0], {"certificate": {"default_canon_subject": true, "subject": "CN=Canon iR-ADV C5840"}})]})
	fixtures.status(default_canon_subject) == "not_applicable" with input as doc
}

test_not_applicable_other_vendor if {
	doc := object.union(fixtures.other_vendor, {"tls": [object.union(fixtures.canon.tls[0], {"certificate": {"default_canon_subject": true, "subject": "CN=Canon iR-ADV C5840"}})]})
	fixtures.status(default_canon_subject) == "not_applicable" with input as doc
}
