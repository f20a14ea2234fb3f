package mfpscan.rules.tls.weak_ciphers_test

import data.mfpscan.fixtures
import data.mfpscan.rules.tls.weak_ciphers

test_fail if {
	doc := object.union(fixtures.canon, {"tls": [object.union(fixtures.canon.tls[0], {"ciphers": {"tls1_2": [{"name": "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "id": 10, "weak": ["3des", "no_pfs"]}]}})]})
	r := weak_ciphers with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {"/tls/0/ciphers/tls1_2/0"}
	some msg in fixtures.messages(r)
	contains(msg, "TLS_RSA_WITH_3DES_EDE_CBC_SHA")
}

test_pass if {
	fixtures.status(weak_ciphers) == "pass" with input as fixtures.canon
}

test_review_tls_timeout if {
	doc := object.union(fixtures.with_collector(fixtures.canon, "tls", "timeout"), {"tls": [object.union(fixtures.canon.tls[0], {"status": "timeout"})]})
	r := weak_ciphers with input as doc
	fixtures.status(r) == "review"
	some reason in r.review
	contains(reason, "port 443: timeout")
}

test_review_tls_not_run if {
	doc := object.remove(object.union(fixtures.canon, {"collectors": {"tls": {"status": "error", "reason": "dial refused"}}}), ["tls"])
	r := weak_ciphers with input as doc
	r.review == {"no TLS port could be tested: tls collector: error (dial refused)"}
}

test_not_applicable_no_tls_service if {
	doc := object.remove(fixtures.with_collector(fixtures.canon, "tls", "closed"), ["tls"])
	fixtures.status(weak_ciphers) == "not_applicable" with input as doc
}

test_not_applicable_not_printer if {
	doc := object.union(fixtures.not_printer, {"tls": [object.union(fixtures.canon.tls[0], {"ciphers": {"tls1_2": [{"name": "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "id": 10, "weak": ["3des", "no_pfs"]}]}})]})
	fixtures.status(weak_ciphers) == "not_applicable" with input as doc
}
