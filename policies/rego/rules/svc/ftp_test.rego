package mfpscan.rules.svc.ftp_test

import data.mfpscan.fixtures
import data.mfpscan.rules.svc.ftp

test_fail_open if {
	doc := fixtures.with_port(fixtures.canon, 21, "tcp")
	r := ftp with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {sprintf("/ports/%d", [count(fixtures.canon.ports)])}
	some msg in fixtures.messages(r)
	contains(msg, "21/tcp")
}

test_pass_closed if {
	fixtures.status(ftp) == "pass" with input as fixtures.canon
}

test_pass_port_closed_state if {
	doc := object.union(fixtures.canon, {"ports": array.concat(fixtures.canon.ports, [{"port": 21, "protocol": "tcp", "state": "closed"}])})
	fixtures.status(ftp) == "pass" with input as doc
}

test_review_discovery_failed if {
	doc := object.union(fixtures.with_collector(fixtures.canon, "discovery", "timeout"), {"ports": []})
	r := ftp with input as doc
	fixtures.status(r) == "review"
	some reason in r.review
	contains(reason, "discovery collector: timeout")
}

test_not_applicable_not_printer if {
	doc := fixtures.with_port(fixtures.not_printer, 21, "tcp")
	fixtures.status(ftp) == "not_applicable" with input as doc
}

test_review_port_not_scanned if {
	doc := object.union(fixtures.canon, {"scan": {"ports": [80, 443]}})
	r := ftp with input as doc
	fixtures.status(r) == "review"
	some reason in r.review
	contains(reason, "21 was not in the scanned port list")
}

# The lab without root serves FTP on 10021 and records the shift.
test_fail_shifted_lab_port if {
	doc := object.union(fixtures.with_port(fixtures.canon, 10021, "tcp"), {"scan": {"ports": [10021, 10080], "port_offset": 10000}})
	r := ftp with input as doc
	fixtures.status(r) == "fail"
}

test_review_shifted_port_not_scanned if {
	doc := object.union(fixtures.canon, {"scan": {"ports": [21, 10080], "port_offset": 10000}})
	fixtures.status(ftp) == "review" with input as doc
}
