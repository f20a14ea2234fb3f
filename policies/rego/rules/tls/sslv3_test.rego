package mfpscan.rules.tls.sslv3_test

import data.mfpscan.fixtures
import data.mfpscan.rules.tls.sslv3

test_fail if {
	doc := object.union(fixtures.canon, {"tls": [object.union(fixtures.canon.tls[0], {"versions": {"ssl3": true}})]})
	r := sslv3 with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {"/tls/0/versions/ssl3"}
	some msg in fixtures.messages(r)
	contains(msg, "SSL 3.0 accepted on port 443")
}

test_pass if {
	fixtures.status(sslv3) == "pass" with input as fixtures.canon
}

test_review_tls_timeout if {
	doc := object.union(fixtures.with_collector(fixtures.canon, "tls", "timeout"), {"tls": [object.union(fixtures.canon.tls[0], {"status": "timeout"})]})
	r := sslv3 with input as doc
	fixtures.status(r) == "review"
	some reason in r.review
	contains(reason, "port 443: timeout")
}

test_review_tls_not_run if {
	doc := object.remove(object.union(fixtures.canon, {"collectors": {"tls": {"status": "error", "reason": "dial refused"}}}), ["tls"])
	r := sslv3 with input as doc
	r.review == {"no TLS port could be tested: tls collector: error (dial refused)"}
}

test_not_applicable_no_tls_service if {
	doc := object.remove(fixtures.with_collector(fixtures.canon, "tls", "closed"), ["tls"])
	fixtures.status(sslv3) == "not_applicable" with input as doc
}

test_not_applicable_not_printer if {
	doc := object.union(fixtures.not_printer, {"tls": [object.union(fixtures.canon.tls[0], {"versions": {"ssl3": true}})]})
	fixtures.status(sslv3) == "not_applicable" with input as doc
}

# A tested port whose versions omit ssl3 was not tested for it: review.
test_review_ssl3_absent if {
	doc := json.remove(fixtures.canon, ["tls/0/versions/ssl3"])
	r := sslv3 with input as doc
	r.review == {"TLS port 443: SSL 3.0 support was not tested"}
}

# Issue 12 item 4: every TLS port is judged; one that was not examined gives
# review although another port passed.
test_review_other_port_unexamined if {
	doc := object.union(fixtures.canon, {"tls": [fixtures.canon.tls[0], {"port": 8443, "status": "timeout", "versions": {}}]})
	r := sslv3 with input as doc
	r.review == {"TLS port 8443 could not be examined: timeout"}
}
