package mfpscan.rules.cert.weak_key_test

import data.mfpscan.fixtures
import data.mfpscan.rules.cert.weak_key

test_fail if {
	doc := object.union(fixtures.canon, {"tls": [object.union(fixtures.canon.tls[0], {"certificate": {"key_bits": 1024}})]})
	r := weak_key with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {"/tls/0/certificate/key_bits"}
	some msg in fixtures.messages(r)
	contains(msg, "RSA 1024-bit key on port 443")
}

test_pass if {
	fixtures.status(weak_key) == "pass" with input as fixtures.canon
}

test_review_tls_timeout if {
	doc := object.union(fixtures.with_collector(fixtures.canon, "tls", "timeout"), {"tls": [object.union(fixtures.canon.tls[0], {"status": "timeout"})]})
	r := weak_key with input as doc
	fixtures.status(r) == "review"
	some reason in r.review
	contains(reason, "port 443: timeout")
}

test_review_tls_not_run if {
	doc := object.remove(object.union(fixtures.canon, {"collectors": {"tls": {"status": "error", "reason": "dial refused"}}}), ["tls"])
	r := weak_key with input as doc
	r.review == {"no TLS port could be tested: tls collector: error (dial refused)"}
}

test_not_applicable_no_tls_service if {
	doc := object.remove(fixtures.with_collector(fixtures.canon, "tls", "closed"), ["tls"])
	fixtures.status(weak_key) == "not_applicable" with input as doc
}

test_not_applicable_not_printer if {
	doc := object.union(fixtures.not_printer, {"tls": [object.union(fixtures.canon.tls[0], {"certificate": {"key_bits": 1024}})]})
	fixtures.status(weak_key) == "not_applicable" with input as doc
}

test_review_key_not_recorded if {
	doc := object.union(fixtures.canon, {"tls": [object.union(fixtures.canon.tls[0], {"certificate": {"key_type": "", "key_bits": 0}})]})
	r := weak_key with input as doc
	r.review == {"TLS port 443: certificate key type or size not recorded"}
}
