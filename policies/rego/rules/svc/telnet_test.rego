package mfpscan.rules.svc.telnet_test

import data.mfpscan.fixtures
import data.mfpscan.rules.svc.telnet

test_fail_open if {
	doc := fixtures.with_port(fixtures.canon, 23, "tcp")
	r := telnet with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {sprintf("/ports/%d", [count(fixtures.canon.ports)])}
	some msg in fixtures.messages(r)
	contains(msg, "23/tcp")
}

test_pass_closed if {
	fixtures.status(telnet) == "pass" with input as fixtures.canon
}

test_pass_port_closed_state if {
	doc := object.union(fixtures.canon, {"ports": array.concat(fixtures.canon.ports, [{"port": 23, "protocol": "tcp", "state": "closed"}])})
	fixtures.status(telnet) == "pass" with input as doc
}

test_review_discovery_failed if {
	doc := object.union(fixtures.with_collector(fixtures.canon, "discovery", "timeout"), {"ports": []})
	r := telnet with input as doc
	fixtures.status(r) == "review"
	some reason in r.review
	contains(reason, "discovery collector: timeout")
}

test_not_applicable_not_printer if {
	doc := fixtures.with_port(fixtures.not_printer, 23, "tcp")
	fixtures.status(telnet) == "not_applicable" with input as doc
}

test_review_port_not_scanned if {
	doc := object.union(fixtures.canon, {"scan": {"ports": [80, 443]}})
	r := telnet with input as doc
	fixtures.status(r) == "review"
	some reason in r.review
	contains(reason, "23 was not in the scanned port list")
}

# Issue 12 item 5: a host whose sweep was cut (deadline, Ctrl-C) lists the
# ports reached so far; a port not listed is unknown, not closed.
test_review_partial_sweep if {
	doc := object.union(fixtures.with_collector(fixtures.canon, "discovery", "timeout"), {"scan": {"incomplete": true}})
	r := telnet with input as doc
	fixtures.status(r) == "review"
}

# Ports not in the sweep's list prove nothing.
test_review_port_not_scanned if {
	doc := object.union(fixtures.canon, {"scan": {"ports": [80, 443]}})
	fixtures.status(telnet) == "review" with input as doc
}
