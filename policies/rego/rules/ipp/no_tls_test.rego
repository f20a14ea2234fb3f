package mfpscan.rules.ipp.no_tls_test

import data.mfpscan.fixtures
import data.mfpscan.rules.ipp.no_tls

test_fail_plain_ipp if {
	doc := object.union(fixtures.canon, {"ipp": [{"port": 631, "tls": false, "status": "ok"}]})
	r := no_tls with input as doc
	fixtures.facts(r) == {"/ipp/0/tls"}
	fixtures.messages(r) == {"IPP without TLS answers on port 631"}
}

test_pass_ipps_only if {
	doc := object.union(fixtures.canon, {"ipp": [{"port": 443, "tls": true, "status": "ok"}]})
	fixtures.status(no_tls) == "pass" with input as doc
}

# 631/tcp closed in a finished sweep and no IPP service examined: there is
# nothing to judge.
test_not_applicable_no_ipp if {
	fixtures.status(no_tls) == "not_applicable" with input as fixtures.canon
}

test_pass_ipps_on_631 if {
	doc := object.union(fixtures.with_port(fixtures.canon, 631, "tcp"), {"ipp": [{"port": 631, "tls": true, "status": "ok"}]})
	fixtures.status(no_tls) == "pass" with input as doc
}

# Issue 12: 631 open with the IPP collector ok but no IPP facts is not
# "IPP without TLS": TLS on it was not examined.
test_review_631_open_not_examined if {
	doc := fixtures.with_port(fixtures.canon, 631, "tcp")
	r := no_tls with input as doc
	fixtures.status(r) == "review"
}

test_review_ipp_timeout if {
	doc := fixtures.with_collector(fixtures.with_port(fixtures.canon, 631, "tcp"), "ipp", "timeout")
	fixtures.status(no_tls) == "review" with input as doc
}

test_not_applicable_not_printer if {
	doc := object.union(fixtures.not_printer, {"ipp": [{"port": 631, "tls": false, "status": "ok"}]})
	fixtures.status(no_tls) == "not_applicable" with input as doc
}
