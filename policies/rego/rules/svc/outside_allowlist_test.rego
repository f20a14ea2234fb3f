package mfpscan.rules.svc.outside_allowlist_test

import data.mfpscan.fixtures
import data.mfpscan.rules.svc.outside_allowlist

test_fail_unlisted if {
	r := outside_allowlist with input as fixtures.canon with data.mfpscan.config.allowed_ports as [443]
	fixtures.messages(r) == {"port 80/tcp (http) is open and not in the allowed port list"}
	fixtures.facts(r) == {"/ports/0"}
}

test_pass_all_listed if {
	fixtures.status(outside_allowlist) == "pass" with input as fixtures.canon with data.mfpscan.config.allowed_ports as [80, 443]
}

test_review_discovery_failed if {
	doc := object.union(fixtures.with_collector(fixtures.canon, "discovery", "error"), {"ports": []})
	fixtures.status(outside_allowlist) == "review" with input as doc with data.mfpscan.config.allowed_ports as [443]
}

test_not_applicable_no_allowlist if {
	fixtures.status(outside_allowlist) == "not_applicable" with input as fixtures.canon
}
