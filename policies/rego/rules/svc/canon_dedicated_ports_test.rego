package mfpscan.rules.svc.canon_dedicated_ports_test

import data.mfpscan.fixtures
import data.mfpscan.rules.svc.canon_dedicated_ports

test_fail_open if {
	doc := fixtures.with_port(fixtures.canon, 47546, "tcp")
	r := canon_dedicated_ports with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {sprintf("/ports/%d", [count(fixtures.canon.ports)])}
	some msg in fixtures.messages(r)
	contains(msg, "47546/tcp")
}

test_pass_closed if {
	fixtures.status(canon_dedicated_ports) == "pass" with input as fixtures.canon
}

test_pass_port_closed_state if {
	doc := object.union(fixtures.canon, {"ports": array.concat(fixtures.canon.ports, [{"port": 47546, "protocol": "tcp", "state": "closed"}])})
	fixtures.status(canon_dedicated_ports) == "pass" with input as doc
}

test_review_discovery_failed if {
	doc := object.union(fixtures.with_collector(fixtures.canon, "discovery", "timeout"), {"ports": []})
	r := canon_dedicated_ports with input as doc
	fixtures.status(r) == "review"
	some reason in r.review
	contains(reason, "discovery collector: timeout")
}

test_not_applicable_not_printer if {
	doc := fixtures.with_port(fixtures.not_printer, 47546, "tcp")
	fixtures.status(canon_dedicated_ports) == "not_applicable" with input as doc
}

test_not_applicable_other_vendor if {
	doc := fixtures.with_port(fixtures.other_vendor, 47546, "tcp")
	fixtures.status(canon_dedicated_ports) == "not_applicable" with input as doc
}

test_fail_one_finding_per_service if {
	doc := fixtures.with_port(fixtures.with_port(fixtures.canon, 47546, "tcp"), 9007, "tcp")
	r := canon_dedicated_ports with input as doc
	count(r.deny) == 2
}

test_review_port_not_scanned if {
	doc := object.union(fixtures.canon, {"scan": {"ports": [80, 443]}})
	r := canon_dedicated_ports with input as doc
	fixtures.status(r) == "review"
	some reason in r.review
	contains(reason, "47546 was not in the scanned port list")
}

# 47545/udp has no public read-only probe: a sweep that did not send one
# leaves the rule in review, saying why (issue 12 item 3).
test_review_47545_no_public_probe if {
	probes := [p | some p in fixtures.canon.scan.udp_probes; p.port != 47545]
	doc := object.union(fixtures.canon, {"scan": {"udp_probes": probes}})
	r := canon_dedicated_ports with input as doc
	fixtures.status(r) == "review"
	some reason in r.review
	contains(reason, "no public description")
}

test_fail_47545_known_open if {
	probes := [p | some p in fixtures.canon.scan.udp_probes; p.port != 47545]
	doc := fixtures.with_port(object.union(fixtures.canon, {"scan": {"udp_probes": probes}}), 47545, "udp")
	fixtures.status(canon_dedicated_ports) == "fail" with input as doc
}
