package mfpscan.rules.cert.fermat_weak_test

import data.mfpscan.fixtures
import data.mfpscan.rules.cert.fermat_weak

test_fail if {
	doc := object.union(fixtures.canon, {"tls": [object.union(fixtures.canon.tls[0], {"certificate": {"fermat_weak": true}})]})
	r := fermat_weak with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {"/tls/0/certificate/fermat_weak"}
	some msg in fixtures.messages(r)
	contains(msg, "CVE-2022-26320")
}

test_pass if {
	fixtures.status(fermat_weak) == "pass" with input as fixtures.canon
}

test_review_tls_timeout if {
	doc := object.union(fixtures.with_collector(fixtures.canon, "tls", "timeout"), {"tls": [object.union(fixtures.canon.tls[0], {"status": "timeout"})]})
	r := fermat_weak with input as doc
	fixtures.status(r) == "review"
	some reason in r.review
	contains(reason, "port 443: timeout")
}

test_review_tls_not_run if {
	doc := object.remove(object.union(fixtures.canon, {"collectors": {"tls": {"status": "error", "reason": "dial refused"}}}), ["tls"])
	r := fermat_weak with input as doc
	r.review == {"no TLS port could be tested: tls collector: error (dial refused)"}
}

test_not_applicable_no_tls_service if {
	doc := object.remove(fixtures.with_collector(fixtures.canon, "tls", "closed"), ["tls"])
	fixtures.status(fermat_weak) == "not_applicable" with input as doc
}

test_not_applicable_not_printer if {
	doc := object.union(fixtures.not_printer, {"tls": [object.union(fixtures.canon.tls[0], {"certificate": {"fermat_weak": true}})]})
	fixtures.status(fermat_weak) == "not_applicable" with input as doc
}

# An RSA certificate without fermat_weak was not tested: review, never pass.
test_review_fermat_absent if {
	doc := json.remove(fixtures.canon, ["tls/0/certificate/fermat_weak"])
	r := fermat_weak with input as doc
	r.review == {"port 443: RSA key was not tested for Fermat factorisation"}
}
