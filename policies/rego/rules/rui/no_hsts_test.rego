package mfpscan.rules.rui.no_hsts_test

import data.mfpscan.fixtures
import data.mfpscan.rules.rui.no_hsts

test_fail_no_hsts if {
	doc := object.union(fixtures.canon, {"remote_ui": {"hsts": false}})
	fixtures.facts(no_hsts) == {"/remote_ui/hsts"} with input as doc
}

test_pass if {
	fixtures.status(no_hsts) == "pass" with input as fixtures.canon
}

test_review_unknown if {
	doc := object.union(fixtures.canon, {"remote_ui": {"hsts": null}})
	fixtures.status(no_hsts) == "review" with input as doc
}

test_not_applicable_no_tls if {
	doc := object.union(fixtures.canon, {"remote_ui": {"tls_ports": [], "hsts": null}})
	fixtures.status(no_hsts) == "not_applicable" with input as doc
}

# An absent hsts (the facts omit unknown booleans) is unknown, like null.
test_review_absent if {
	doc := json.remove(fixtures.canon, ["remote_ui/hsts"])
	fixtures.status(no_hsts) == "review" with input as doc
}

# A port that timed out may be a TLS port of the Remote UI.
test_review_tls_port_unanswered if {
	doc := object.union(fixtures.canon, {"remote_ui": {"tls_ports": [], "hsts": null, "unexamined_ports": [443]}})
	fixtures.status(no_hsts) == "review" with input as doc
}
