package mfpscan.rules.svc.forbidden_ports_test

import data.mfpscan.fixtures
import data.mfpscan.rules.svc.forbidden_ports

test_fail_default_telnet if {
	doc := fixtures.with_port(fixtures.canon, 23, "tcp")
	r := forbidden_ports with input as doc
	fixtures.messages(r) == {"forbidden port 23/tcp is open (Telnet management in clear text)"}
	fixtures.facts(r) == {"/ports/4"}
}

test_fail_plain_number_entry if {
	doc := fixtures.with_port(fixtures.canon, 8000, "tcp")
	fixtures.status(forbidden_ports) == "fail" with input as doc with data.mfpscan.config.forbidden_ports as [8000]
}

test_pass_none_open if {
	fixtures.status(forbidden_ports) == "pass" with input as fixtures.canon
}

test_review_discovery_failed if {
	doc := object.union(fixtures.with_collector(fixtures.canon, "discovery", "error"), {"ports": []})
	fixtures.status(forbidden_ports) == "review" with input as doc
}

test_not_applicable_not_printer if {
	doc := fixtures.with_port(fixtures.not_printer, 23, "tcp")
	fixtures.status(forbidden_ports) == "not_applicable" with input as doc
}
