package mfpscan.rules.cert.sha1_signature_test

import data.mfpscan.fixtures
import data.mfpscan.rules.cert.sha1_signature

test_fail if {
	doc := object.union(fixtures.canon, {"tls": [object.union(fixtures.canon.tls[0], {"certificate": {"signature_algorithm": "SHA1-RSA"}})]})
	r := sha1_signature with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {"/tls/0/certificate/signature_algorithm"}
	some msg in fixtures.messages(r)
	contains(msg, "signed with SHA1-RSA")
}

test_pass if {
	fixtures.status(sha1_signature) == "pass" with input as fixtures.canon
}

test_review_tls_timeout if {
	doc := object.union(fixtures.with_collector(fixtures.canon, "tls", "timeout"), {"tls": [object.union(fixtures.canon.tls[0], {"status": "timeout"})]})
	r := sha1_signature with input as doc
	fixtures.status(r) == "review"
	some reason in r.review
	contains(reason, "port 443: timeout")
}

test_review_tls_not_run if {
	doc := object.remove(object.union(fixtures.canon, {"collectors": {"tls": {"status": "error", "reason": "dial refused"}}}), ["tls"])
	r := sha1_signature with input as doc
	r.review == {"no TLS port could be tested: tls collector: error (dial refused)"}
}

test_not_applicable_no_tls_service if {
	doc := object.remove(fixtures.with_collector(fixtures.canon, "tls", "closed"), ["tls"])
	fixtures.status(sha1_signature) == "not_applicable" with input as doc
}

test_not_applicable_not_printer if {
	doc := object.union(fixtures.not_printer, {"tls": [object.union(fixtures.canon.tls[0], {"certificate": {"signature_algorithm": "SHA1-RSA"}})]})
	fixtures.status(sha1_signature) == "not_applicable" with input as doc
}

# Issue 12: an empty signature_algorithm passed.
test_review_empty_algorithm if {
	doc := object.union(fixtures.canon, {"tls": [object.union(fixtures.canon.tls[0], {"certificate": {"signature_algorithm": ""}})]})
	r := sha1_signature with input as doc
	r.review == {"TLS port 443: certificate signature algorithm not recorded"}
}

# A second TLS port that was not examined gives review for its certificate.
test_review_other_port_unexamined if {
	doc := object.union(fixtures.canon, {"tls": [fixtures.canon.tls[0], {"port": 8443, "status": "error", "reason": "connection reset", "versions": {}}]})
	r := sha1_signature with input as doc
	r.review == {"TLS port 8443 could not be examined: error (connection reset)"}
}

test_review_chain_over_limit if {
	doc := object.union(fixtures.canon, {"tls": [object.union(object.remove(fixtures.canon.tls[0], ["certificate"]), {"certificate_reason": "certificate chain exceeds 262144 bytes"})]})
	r := sha1_signature with input as doc
	r.review == {"TLS port 443: no certificate recorded (certificate chain exceeds 262144 bytes)"}
}
