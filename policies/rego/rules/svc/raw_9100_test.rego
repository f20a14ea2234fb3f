package mfpscan.rules.svc.raw_9100_test

import data.mfpscan.fixtures
import data.mfpscan.rules.svc.raw_9100

test_fail_open if {
	doc := fixtures.with_port(fixtures.canon, 9100, "tcp")
	r := raw_9100 with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {sprintf("/ports/%d", [count(fixtures.canon.ports)])}
	some msg in fixtures.messages(r)
	contains(msg, "9100/tcp")
}

test_pass_closed if {
	fixtures.status(raw_9100) == "pass" with input as fixtures.canon
}

test_pass_port_closed_state if {
	doc := object.union(fixtures.canon, {"ports": array.concat(fixtures.canon.ports, [{"port": 9100, "protocol": "tcp", "state": "closed"}])})
	fixtures.status(raw_9100) == "pass" with input as doc
}

test_review_discovery_failed if {
	doc := object.union(fixtures.with_collector(fixtures.canon, "discovery", "timeout"), {"ports": []})
	r := raw_9100 with input as doc
	fixtures.status(r) == "review"
	some reason in r.review
	contains(reason, "discovery collector: timeout")
}

test_not_applicable_not_printer if {
	doc := fixtures.with_port(fixtures.not_printer, 9100, "tcp")
	fixtures.status(raw_9100) == "not_applicable" with input as doc
}

test_review_port_not_scanned if {
	doc := object.union(fixtures.canon, {"scan": {"ports": [80, 443]}})
	r := raw_9100 with input as doc
	fixtures.status(r) == "review"
	some reason in r.review
	contains(reason, "9100 was not in the scanned port list")
}
