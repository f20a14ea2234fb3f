package mfpscan.rules.tls.legacy_versions_test

import data.mfpscan.fixtures
import data.mfpscan.rules.tls.legacy_versions

test_fail if {
	doc := object.union(fixtures.canon, {"tls": [object.union(fixtures.canon.tls[0], {"versions": {"tls1_0": true}})]})
	r := legacy_versions with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {"/tls/0/versions/tls1_0"}
	some msg in fixtures.messages(r)
	contains(msg, "TLS 1.0 accepted on port 443")
}

test_pass if {
	fixtures.status(legacy_versions) == "pass" with input as fixtures.canon
}

test_review_tls_timeout if {
	doc := object.union(fixtures.with_collector(fixtures.canon, "tls", "timeout"), {"tls": [object.union(fixtures.canon.tls[0], {"status": "timeout"})]})
	r := legacy_versions with input as doc
	fixtures.status(r) == "review"
	some reason in r.review
	contains(reason, "port 443: timeout")
}

test_review_tls_not_run if {
	doc := object.remove(object.union(fixtures.canon, {"collectors": {"tls": {"status": "error", "reason": "dial refused"}}}), ["tls"])
	r := legacy_versions with input as doc
	r.review == {"no TLS port could be tested: tls collector: error (dial refused)"}
}

test_not_applicable_no_tls_service if {
	doc := object.remove(fixtures.with_collector(fixtures.canon, "tls", "closed"), ["tls"])
	fixtures.status(legacy_versions) == "not_applicable" with input as doc
}

test_not_applicable_not_printer if {
	doc := object.union(fixtures.not_printer, {"tls": [object.union(fixtures.canon.tls[0], {"versions": {"tls1_0": true}})]})
	fixtures.status(legacy_versions) == "not_applicable" with input as doc
}

# A tested port whose TLS 1.0 probe failed (no tls1_0 key) is not a pass.
test_review_version_untested if {
	doc := json.remove(fixtures.canon, ["tls/0/versions/tls1_0"])
	r := legacy_versions with input as doc
	r.review == {"TLS port 443: TLS 1.0 support was not tested"}
}

# Issue 12 item 4: every TLS port is judged; one that was not examined gives
# review although another port passed.
test_review_other_port_unexamined if {
	doc := object.union(fixtures.canon, {"tls": [fixtures.canon.tls[0], {"port": 8443, "status": "timeout", "versions": {}}]})
	r := legacy_versions with input as doc
	r.review == {"TLS port 8443 could not be examined: timeout"}
}

# Issue 14 item 3: a version whose probes were reset is unknown, with the
# reason, never refused.
test_review_version_reset if {
	doc := object.union(json.remove(fixtures.canon, ["tls/0/versions/tls1_1"]), {"tls": [object.union(json.remove(fixtures.canon, ["tls/0/versions/tls1_1"]).tls[0], {"unknown": {"tls1_1": "connection reset"}})]})
	r := legacy_versions with input as doc
	r.review == {"TLS port 443: TLS 1.1 support was not tested (connection reset)"}
}
