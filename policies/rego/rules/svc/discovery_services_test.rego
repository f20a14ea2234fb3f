package mfpscan.rules.svc.discovery_services_test

import data.mfpscan.fixtures
import data.mfpscan.rules.svc.discovery_services

test_fail_open if {
	doc := fixtures.with_port(fixtures.canon, 3702, "udp")
	r := discovery_services with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {sprintf("/ports/%d", [count(fixtures.canon.ports)])}
	some msg in fixtures.messages(r)
	contains(msg, "3702/udp")
}

test_pass_closed if {
	fixtures.status(discovery_services) == "pass" with input as fixtures.canon
}

test_pass_port_closed_state if {
	doc := object.union(fixtures.canon, {"ports": array.concat(fixtures.canon.ports, [{"port": 3702, "protocol": "udp", "state": "closed"}])})
	fixtures.status(discovery_services) == "pass" with input as doc
}

test_review_discovery_failed if {
	doc := object.union(fixtures.with_collector(fixtures.canon, "discovery", "timeout"), {"ports": []})
	r := discovery_services with input as doc
	fixtures.status(r) == "review"
	some reason in r.review
	contains(reason, "discovery collector: timeout")
}

test_not_applicable_not_printer if {
	doc := fixtures.with_port(fixtures.not_printer, 3702, "udp")
	fixtures.status(discovery_services) == "not_applicable" with input as doc
}

test_fail_one_finding_per_service if {
	doc := fixtures.with_port(fixtures.with_port(fixtures.canon, 3702, "udp"), 427, "udp")
	r := discovery_services with input as doc
	count(r.deny) == 2
}

test_review_no_udp_probe if {
	doc := object.union(fixtures.canon, {"scan": {"udp_probes": []}})
	fixtures.status(discovery_services) == "review" with input as doc
}

# Issue 12: BJNP (8611/8612) must be probed before the rule can pass; any
# other UDP answer does not count.
test_review_bjnp_not_probed if {
	doc := object.union(fixtures.canon, {"scan": {"udp_probes": [{"port": 161, "service": "snmp"}, {"port": 3702, "service": "wsd"}, {"port": 427, "service": "slp"}]}})
	r := discovery_services with input as doc
	fixtures.status(r) == "review"
	r.review == {"5353/udp was not probed (no UDP probe for it in this sweep)", "8611/udp was not probed (no UDP probe for it in this sweep)", "8612/udp was not probed (no UDP probe for it in this sweep)"}
}
